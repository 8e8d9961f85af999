// The template reader and the exporter are the site's third wasm module (issue 19): nobody who
// never imports a template or exports one downloads it. Checked here as a user meets it:
// - the first load, and the Import of a workspace file, do not fetch it;
// - while it is on its way, Import says it is reading the file; when it cannot be fetched,
//   importing a YAML definition says so and changes nothing on screen;
//   the next Import tries again;
// - pressing Import starts fetching it while the file dialog is open, and the file then opens;
// - a file far larger than any template is refused before it is read;
// - a YAML error still points at its line and column (they cross from the module);
// - Export to AWS, which runs in the same module, says when it cannot be fetched and fetches it
//   again on the next change.
import { tid } from '../lib/playground.mjs';
const MODULE = /\/stepwise_templates(_bg\.wasm|\.js)(\?.*)?$/;

const WORKSPACE = JSON.stringify({
  version: 1,
  machines: [{ name: 'FromFile', definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } } }],
  input: {},
});
const YAML_DEFINITION = `Comment: kept as a YAML file
StartAt: Hello
States:
  Hello:
    Type: Pass
    Result: {greeting: hi}
    End: true
`;
const file = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });

export default async function playgroundTemplateModule(page, baseUrl, { assert, screenshot, problems }) {
  const fetched = [];
  page.on('request', (request) => {
    if (MODULE.test(request.url())) fetched.push(request.url());
  });
  // A failed fetch made on purpose: the browser and the loader report it on the console.
  const forgetMeantFailures = () => {
    const meant = problems.filter((p) => /stepwise_templates|Failed to load resource|net::ERR_FAILED/.test(p));
    assert(meant.length > 0, 'the failed fetch was reported on the console');
    problems.splice(0, problems.length, ...problems.filter((p) => !meant.includes(p)));
  };
  const tabs = async () =>
    (await page.locator('[data-testid^="machine-tab-"]').evaluateAll((els) => els.map((e) => e.dataset.testid))).sort();

  await page.goto(`${baseUrl}/`);
  await page.locator(tid('machines-panel')).waitFor();
  // After the first paint the page fetches the editor and JSONata's module; give it time to ask
  // for anything else it would.
  await page.locator(`${tid('definition-editor')}[data-editor="codemirror"]`).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1_000);
  assert(fetched.length === 0, `the first load fetched the template reader: ${fetched}`);

  // A workspace file is read by the playground itself.
  await page.setInputFiles(tid('import-file'), file('stepwise-workspace.json', WORKSPACE));
  await page.locator(tid('machine-tab-FromFile')).waitFor();
  assert(fetched.length === 0, `importing a workspace fetched the template reader: ${fetched}`);

  // The module cannot be fetched: the import fails with a reason, and nothing on screen changes.
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  await page.route(MODULE, async (route) => {
    await gate;
    await route.abort();
  });
  const before = await tabs();
  await page.setInputFiles(tid('import-file'), file('hello.asl.yaml', YAML_DEFINITION));
  const notice = page.locator(tid('notice'));
  // While the module is on its way the user is told the file is being read.
  await notice.filter({ hasText: 'Reading hello.asl.yaml…' }).waitFor();
  release();
  await notice.filter({ hasText: 'template reader could not be loaded' }).waitFor();
  const said = await notice.innerText();
  assert(said.startsWith('hello.asl.yaml: the template reader'), `the notice names the file once: ${said}`);
  assert(JSON.stringify(await tabs()) === JSON.stringify(before), `tabs changed: ${await tabs()}`);
  await screenshot('1-reader-unavailable');
  forgetMeantFailures();
  await page.unroute(MODULE);

  // Import again through the button, as a user does: the module is fetched while the file dialog
  // is open, then the file opens.
  fetched.length = 0;
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.waitForRequest((r) => MODULE.test(r.url()), { timeout: 10_000 }),
    page.click(tid('import')),
  ]);
  await chooser.setFiles(file('hello.asl.yaml', YAML_DEFINITION));
  await page.locator(tid('machine-tab-hello')).waitFor();
  assert(fetched.length > 0, 'the template reader was fetched');
  await notice.filter({ hasText: 'Imported hello.asl.yaml' }).waitFor();
  await page.locator(tid('diagnostics-ok')).waitFor();
  await screenshot('2-imported');

  // A file far larger than any template is refused before it is read; nothing changes.
  const huge = Buffer.alloc(17_000_000, 'a');
  await page.setInputFiles(tid('import-file'), file('huge.yaml', huge.toString()));
  await notice.filter({ hasText: 'is more than Import reads' }).waitFor();
  assert((await page.locator(tid('machine-tab-hello')).count()) === 1, 'the workspace on screen stays');

  // A YAML error keeps its position in the file.
  await page.setInputFiles(tid('import-file'), file('broken.yaml', 'StartAt: A\nStates:\n  A: [Type\n'));
  await notice.filter({ hasText: 'broken.yaml:' }).waitFor();
  const error = await notice.innerText();
  assert(/^broken\.yaml:3:\d+: YAML: /.test(error), `a located YAML error, the file named once: ${error}`);
  assert((await page.locator(tid('machine-tab-hello')).count()) === 1, 'the workspace on screen stays');

  // Export to AWS runs in the same module. On a fresh page whose fetch fails, the dialog says so
  // (without blaming the definitions), and the next change of choice fetches it again.
  await page.goto(`${baseUrl}/`);
  await page.locator(tid('machines-panel')).waitFor();
  await page.route(MODULE, (route) => route.abort());
  await page.click(tid('export-open'));
  const exportError = page.locator(tid('export-error'));
  await exportError.filter({ hasText: 'exporter could not be loaded' }).waitFor();
  const why = await exportError.innerText();
  assert(!why.includes('Fix the definition'), `a failed fetch is not the definition's fault: ${why}`);
  await screenshot('3-exporter-unavailable');
  forgetMeantFailures();
  await page.unroute(MODULE);
  await page.click(tid('export-yaml'));
  const template = page.locator(tid('export-template'));
  await template.waitFor();
  assert((await template.innerText()).trimStart().startsWith('{'), 'the JSON template is shown');

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
