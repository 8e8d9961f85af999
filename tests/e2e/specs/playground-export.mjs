// "Export to AWS": with the "Start a child and wait" example loaded, the dialog shows a
// CloudFormation template (one state machine resource per machine, the parent allowed to start
// its child) and the deploy command; switching to SAM/JSON regenerates it, and a definition that
// does not parse gives a message instead of a template.
import { openExample, tid } from '../lib/playground.mjs';

export default async function playgroundExport(page, baseUrl, { assert, screenshot, problems }) {
  await page.goto(`${baseUrl}/`);
  await openExample(page, 'sync-start', 'HelloWorld');

  await page.click(tid('export-open'));
  await page.locator(tid('export-dialog')).waitFor();
  const template = page.locator(tid('export-template'));
  await template.waitFor();
  const yaml = await template.innerText();
  const resources = yaml.match(/Type: AWS::StepFunctions::StateMachine/g) || [];
  assert(resources.length === 2, `expected 2 state machine resources in the YAML, found ${resources.length}:\n${yaml.slice(0, 400)}`);
  assert(yaml.includes('states:StartExecution'), 'the parent role may call states:StartExecution');
  const command = await page.locator(tid('export-command')).innerText();
  assert(command.includes('aws cloudformation deploy'), `deploy command: ${command}`);
  assert(command.includes('--template-file template.yaml'), `deploy command names the YAML file: ${command}`);
  assert(/Download template\.yaml/.test(await page.locator(tid('export-download')).innerText()), 'download offers template.yaml');
  await screenshot('1-cloudformation-yaml');

  // SAM as JSON: the text must parse and hold Serverless state machines.
  await page.selectOption(tid('export-format'), 'sam');
  await page.uncheck(tid('export-yaml'));
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.textContent.trim().startsWith('{'),
    tid('export-template'),
  );
  const sam = JSON.parse(await template.textContent());
  const types = Object.values(sam.Resources).map((r) => r.Type);
  assert(types.filter((t) => t === 'AWS::Serverless::StateMachine').length === 2, `SAM resources: ${types.join(', ')}`);
  const samCommand = await page.locator(tid('export-command')).innerText();
  assert(samCommand.includes('template.json') && samCommand.includes('CAPABILITY_AUTO_EXPAND'), `SAM command: ${samCommand}`);

  // The download is a real file with the shown text.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-download'))]);
  assert(download.suggestedFilename() === 'template.json', `downloaded ${download.suggestedFilename()}`);
  await screenshot('2-sam-json');

  // A definition that does not parse: a message naming the machine, no template.
  await page.click(tid('export-close'));
  await page.click(tid('machine-tab-HelloWorld'));
  await page.locator(tid('definition')).fill('{ "StartAt": ');
  await page.click(tid('export-open'));
  const error = page.locator(tid('export-error'));
  await error.waitFor();
  const message = await error.innerText();
  assert(message.includes('HelloWorld') && /not valid JSON/.test(message), `error message: ${message}`);
  assert((await template.count()) === 0, 'no template is shown for an invalid workspace');
  await screenshot('3-invalid-definition');
  await page.keyboard.press('Escape');
  await page.locator(tid('export-dialog')).waitFor({ state: 'detached' });

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
