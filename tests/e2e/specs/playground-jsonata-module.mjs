// The playground's JSONata evaluator is a second wasm module (pkg/stepwise_jsonata_bg.wasm), loaded
// after the first paint. Here its download is held back on purpose, and:
// - a saved workspace that uses JSONata opens only once the evaluator has arrived: no
//   "not loaded" diagnostic is ever shown, the text is the one saved, byte for byte, and the
//   machine runs to the output the engine computes natively (CLI, same input);
// - a share link to a JSONata workspace does the same, beside the saved workspace, untouched;
// - a workspace without JSONata opens at once; a JSONata definition typed before the evaluator
//   has arrived is marked as waiting for it (a warning, never a wrong error), Start says to try
//   again, and once it arrives the text is checked (a syntax error is found) and runs.
import { deflateRawSync } from 'node:zlib';
import { tid, WORKSPACE_KEY as KEY } from '../lib/playground.mjs';

const MODULE = '**/pkg/stepwise_jsonata_bg.wasm';

// What Step Functions adds to JSONata ($partition, $hash), a Choice condition, the input's values.
const DEFINITION = `{
  "QueryLanguage": "JSONata",
  "Comment": "typed by hand — keep me as I am",
  "StartAt": "Sum",
  "States": {
    "Sum": {
      "Type": "Pass",
      "Output": "{% {'sum': $sum($states.input.values), 'parts': $partition($states.input.values, 2), 'md5': $hash('abc', 'MD5')} %}",
      "Next": "Big?"
    },
    "Big?": {
      "Type": "Choice",
      "Choices": [{"Condition": "{% $states.input.sum > 5 %}", "Next": "Done"}],
      "Default": "Small"
    },
    "Small": {"Type": "Fail", "Error": "TooSmall"},
    "Done": {"Type": "Succeed"}
  }
}`;
const INPUT = '{"values": [1, 2, 3, 4]}';
const OUTPUT = { sum: 10, parts: [[1, 2], [3, 4]], md5: '900150983cd24fb0d6963f7d28e17f72' };
const workspace = (name) =>
  JSON.stringify({ version: 1, machines: [{ name, definition: JSON.parse(DEFINITION) }], input: JSON.parse(INPUT) });

/** Holds the JSONata module's download until `release()`; `requested()` tells whether the page asked. */
async function holdModule(page) {
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  let asked = false;
  await page.route(MODULE, async (route) => {
    asked = true;
    await gate;
    await route.continue();
  });
  return { release, requested: () => asked };
}

export default async function playgroundJsonataModule(page, baseUrl, { assert, assertEqual, screenshot, problems, editorText }) {
  const notLoaded = page.locator(tid('diagnostic')).filter({ hasText: 'JSONATA_NOT_LOADED' });
  const runToOutput = async (p, machine) => {
    await p.selectOption(tid('entry-select'), machine);
    await p.click(tid('start'));
    await p.click(tid('run-to-end'));
    await p.locator(`${tid(`exec-${machine}`)}[data-status="SUCCEEDED"]`).waitFor({ timeout: 30_000 });
    await p.click(tid(`exec-${machine}`));
    return JSON.parse(await p.locator(`${tid('exec-output')} pre`).innerText());
  };

  // 1. A saved JSONata workspace, the evaluator held back: nothing is shown until it arrives.
  await page.goto(`${baseUrl}/`);
  await page.locator(tid('app')).waitFor();
  const saved = workspace('Jsonata');
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [KEY, saved]);
  let held = await holdModule(page);
  await page.goto('about:blank');
  await page.goto(`${baseUrl}/`);
  await page.waitForFunction(() => document.querySelector('#app') !== null);
  await page.waitForTimeout(500);
  assert(held.requested(), 'a JSONata workspace asks for the evaluator at once');
  assertEqual(await page.locator(tid('app')).count(), 0, 'the app waits for the evaluator');
  const waiting = await page.locator('#app').innerText();
  assert(/JSONata/.test(waiting), `what is shown meanwhile: ${waiting}`);
  await screenshot('1-waiting-for-jsonata');
  held.release();
  await page.locator(tid('machine-tab-Jsonata')).waitFor();
  await page.locator(tid('diagnostics-ok')).waitFor();
  assertEqual(await notLoaded.count(), 0, 'no "not loaded" diagnostic');
  assertEqual(await editorText('definition'), JSON.stringify(JSON.parse(DEFINITION), null, 2), 'the saved definition, as saved');
  assertEqual(await runToOutput(page, 'Jsonata'), OUTPUT, 'output of the saved JSONata machine');
  await screenshot('2-saved-jsonata-ran');
  await page.unroute(MODULE);

  // 2. A share link to a JSONata workspace, in a fresh browser: same, and the saved one is kept.
  const link = `${baseUrl}/#w=${deflateRawSync(Buffer.from(workspace('Shared'))).toString('base64url')}`;
  const other = await page.context().browser().newContext();
  try {
    const friend = await other.newPage();
    friend.on('pageerror', (error) => problems.push(`uncaught (link): ${error.message}`));
    held = await holdModule(friend);
    await friend.goto(link);
    await friend.waitForTimeout(500);
    assertEqual(await friend.locator(tid('app')).count(), 0, 'the link waits for the evaluator');
    held.release();
    await friend.locator(tid('machine-tab-Shared')).waitFor();
    assertEqual(await friend.locator(tid('shared-banner')).count(), 1, 'opened as a shared workspace');
    await friend.locator(tid('diagnostics-ok')).waitFor();
    assertEqual(await runToOutput(friend, 'Shared'), OUTPUT, 'output of the shared JSONata machine');
  } finally {
    await other.close();
  }
  // (Autosave rewrote it when it ran, pretty-printed, with its entry machine: same content.)
  const kept = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), KEY));
  assertEqual(kept.machines, JSON.parse(saved).machines, 'the saved workspace, beside the shared one');

  // 3. No JSONata at start: the app opens at once, then JSONata typed before the evaluator arrives.
  await page.evaluate(() => localStorage.clear());
  held = await holdModule(page);
  await page.goto('about:blank');
  await page.goto(`${baseUrl}/`);
  await page.locator(tid('machine-tab-Parent')).waitFor();
  await page.click(tid('machine-add'));
  await page.locator(`${tid('machine-tab-Machine')}[aria-selected="true"]`).waitFor();
  const typed = DEFINITION.replace("'sum'", "'sum' ");
  await page.fill(tid('definition'), typed);
  const loading = page.locator(tid('diagnostic')).filter({ hasText: 'still loading' });
  await loading.first().waitFor();
  assertEqual(await loading.count(), 2, 'both expressions wait for the evaluator');
  assertEqual(await page.locator(`${tid('diagnostic')}.error`).count(), 0, 'no error while it loads');
  assertEqual(await page.locator(tid('diagnostic')).filter({ hasText: 'init()' }).count(), 0, "no JS API advice");
  // The input panel starts closed: open it to type the input.
  if ((await page.getAttribute(tid('input-toggle'), 'aria-expanded')) === 'false') await page.click(tid('input-toggle'));
  await page.locator(tid('input')).waitFor({ state: 'visible' });
  await page.fill(tid('input'), INPUT);
  await page.selectOption(tid('entry-select'), 'Machine');
  await page.click(tid('start'));
  const notice = await page.locator(tid('notice')).innerText();
  assert(notice.includes('still loading'), `Start before the evaluator: ${notice}`);
  assertEqual(await page.locator(tid('exec-Machine')).count(), 0, 'nothing started');
  await screenshot('3-typed-while-loading');
  held.release();
  await page.locator(tid('diagnostics-ok')).waitFor();
  assertEqual(await editorText('definition'), typed, 'the typed text, unchanged');
  // Checked by the evaluator once there: a syntax error is found.
  await page.fill(tid('definition'), typed.replace('$states.input.sum > 5', '$states.input.sum >'));
  await page.locator(tid('diagnostic')).filter({ hasText: 'INVALID_JSONATA_EXPRESSION' }).first().waitFor();
  await page.fill(tid('definition'), typed);
  await page.locator(tid('diagnostics-ok')).waitFor();
  assertEqual(await runToOutput(page, 'Machine'), OUTPUT, 'output of the typed JSONata machine');
  await page.unroute(MODULE);

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
