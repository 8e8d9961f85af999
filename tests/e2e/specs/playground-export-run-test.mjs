// A local run saved as a test case (issue 22, "Export a test … or a local run"): the "Mocked
// Lambda" example run to the end (a mocked Lambda that fails once and is retried, a Lambda
// answered by hand, a `.sync` child that waits 30 s), then Export test in the execution's
// inspector downloads a case for `stepwise test`: the definitions, the input, the expected
// outcome and history, and every task's answer, the one given by hand included, as mocks.
// A running execution offers no Export test (its outcome is not known yet).
import { openClean, openExample, runToEnd, tid } from '../lib/playground.mjs';

export default async function playgroundExportRunTest(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  await openClean(page, baseUrl);
  await openExample(page, 'mocked-lambda', 'Orders');
  await page.click(tid('start'));
  await page.click(tid('run-to-end'));
  await page.locator(tid('pending-token')).waitFor();

  // Still running: nothing to export yet.
  await page.click(tid('exec-Orders'));
  await page.locator(tid('stop-execution')).waitFor();
  assertEqual(await page.locator(tid('export-run-test')).count(), 0, 'Export test on a running execution');

  await page.click(tid('tab-tokens'));
  await page.fill(tid('token-output'), '{"Payload": {"chargeId": "ch_1"}}');
  await page.click(tid('send-success'));
  await runToEnd(page, 'Orders', 'SUCCEEDED');
  await page.click(tid('exec-Orders'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-run-test'))]);
  const name = download.suggestedFilename();
  assert(/^Orders-.+\.test\.json$/.test(name), `file: ${name}`);
  const notice = await page.locator(tid('notice')).innerText();
  assert(notice.includes(`stepwise test ${name}`), `notice: ${notice}`);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const testCase = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const shown = JSON.stringify(testCase).slice(0, 400);
  assertEqual(testCase.stateMachine, 'Orders', 'the machine run');
  assertEqual(Object.keys(testCase.stateMachines).sort().join(), 'Orders,Ship', 'definitions in the case');
  assert(JSON.parse(testCase.stateMachines.Orders).States['Charge card'], `the definition: ${shown}`);
  assertEqual(JSON.parse(testCase.input).orderId, 'o-7', 'the input');
  assertEqual(testCase.expected.status, 'SUCCEEDED', 'the expected status');
  assertEqual(testCase.expected.output.charge.chargeId, 'ch_1', 'the expected output');
  assert(testCase.expected.history.length > 10
    && testCase.expected.history[0].type === 'ExecutionStarted', `the expected history: ${shown}`);
  const mocks = JSON.stringify(testCase.mockConfig);
  assert(mocks.includes('ch_1') && mocks.includes('Lambda.ServiceException'),
    `the answer by hand and the mocked failure are mocks: ${mocks.slice(0, 400)}`);
  await screenshot('1-exported');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
