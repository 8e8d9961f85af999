// A machine switched to Express from the machines panel: the type control is reachable from the
// keyboard, the editor's diagnostics show at once what Express refuses (a .waitForTaskToken
// task) and drop it when switched back or fixed, the fixed machine runs as an Express execution
// whose events are shown as CloudWatch Logs records (AWS keeps no history for Express), and the
// type survives a reload and a share link. The control also fits a phone screen (390×844).
import { addMachine, inOtherBrowser, openDefaultWorkspace, runToEnd, shareLink, storedWorkspace, tid } from '../lib/playground.mjs';

const CALLBACK = `{
  "StartAt": "Send",
  "States": {
    "Send": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders", "MessageBody": {"token.$": "$$.Task.Token"}},
      "End": true
    }
  }
}`;
// The fix: a request-response send, which Express allows (answered by the mocks below).
const FIXED = CALLBACK.replace('sendMessage.waitForTaskToken', 'sendMessage').replace('{"token.$": "$$.Task.Token"}', '"hello"');
const MOCKS = JSON.stringify({
  StateMachines: { Machine: { TestCases: { Sent: { Send: 'SentOk' } } } },
  MockedResponses: { SentOk: { 0: { Return: { MessageId: 'm-1' } } } },
});
const EXPRESS_REFUSES = "Express state machine does not support '.waitForTaskToken'";

export default async function playgroundExpress(page, baseUrl, { assert, assertEqual, screenshot, problems, editorText }) {
  await openDefaultWorkspace(page, baseUrl);

  await addMachine(page, 'Machine', CALLBACK);
  const typeSelect = page.locator(tid('machine-type'));
  assertEqual(await typeSelect.inputValue(), 'STANDARD', 'a new machine is Standard');
  const refused = page.locator(tid('diagnostic')).filter({ hasText: EXPRESS_REFUSES });
  assertEqual(await refused.count(), 0, 'no Express diagnostic for a Standard machine');

  // A labelled control, reached with Tab from the add button and switched with the keyboard.
  assertEqual(await page.getByRole('combobox', { name: 'Type', exact: true }).count(), 1, 'the select is labelled "Type"');
  await page.focus(tid('machine-add'));
  await page.keyboard.press('Tab');
  assertEqual(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'machine-type', 'Tab after + reaches the type');
  await page.keyboard.press('ArrowDown');
  await page.locator(`${tid('machine-type')} option[value="EXPRESS"]:checked`).waitFor({ state: 'attached' });

  // Live: the Express rule shows in the editor's diagnostics, pointing at the Resource line.
  await refused.waitFor();
  const text = await refused.innerText();
  assert(text.includes('SCHEMA_VALIDATION_FAILED') && text.includes('line 6'), `diagnostic: ${text}`);
  await screenshot('1-express-diagnostic');

  // Back to Standard: gone. Express again: back.
  await typeSelect.selectOption('STANDARD');
  await refused.waitFor({ state: 'detached' });
  await typeSelect.selectOption('EXPRESS');
  await refused.waitFor();

  // Fixed: the diagnostic disappears while the machine stays Express.
  await page.fill(tid('definition'), FIXED);
  await page.locator(tid('diagnostics-ok')).waitFor();
  assertEqual(await typeSelect.inputValue(), 'EXPRESS', 'the type after the fix');

  // Run it (the send answered by a mock): an Express execution that succeeds.
  await page.click(tid('tab-mocks'));
  await page.fill(tid('mocks-text'), MOCKS);
  await page.selectOption(tid('entry-select'), 'Machine');
  await page.click(tid('start'));
  await page.locator(tid('exec-Machine')).first().waitFor();
  await runToEnd(page, 'Machine', 'SUCCEEDED', { timeout: 30_000 });
  await page.click(tid('exec-Machine'));
  const facts = await page.locator(`${tid('inspector')} .facts`).innerText();
  assert(facts.includes(':express:Machine:'), `an Express execution ARN: ${facts}`);
  assertEqual(JSON.parse(await page.locator(`${tid('exec-output')} pre`).innerText()), { MessageId: 'm-1' }, 'output');

  // Where the history would be: the log records, labelled as such.
  await page.click(tid('tab-history'));
  assertEqual(await page.locator(tid('tab-history')).innerText(), 'Logs (Express)', 'bottom tab label');
  const note = await page.locator(tid('express-logs-note')).innerText();
  assert(note.includes('CloudWatch Logs') && note.includes('no history'), `note: ${note}`);
  const count = await page.locator(tid('history-count')).innerText();
  assert(/^\d+ of \d+ log records$/.test(count), `count: ${count}`);
  await page.locator(tid('history-row')).first().click();
  const record = JSON.parse(await page.locator(tid('history-detail')).innerText());
  assertEqual(record.type, 'ExecutionStarted', 'first record type');
  assertEqual(record.id, '1', 'record id (a string, as logged)');
  assert(record.execution_arn.includes(':express:Machine:') && 'previous_event_id' in record, `record: ${JSON.stringify(record)}`);
  await screenshot('2-express-logs');

  // A Standard execution keeps its history.
  await page.click(tid('machine-tab-Parent'));
  assertEqual(await typeSelect.inputValue(), 'STANDARD', 'the other machines stay Standard');

  // Reload: still Express (saved like any edit).
  const saved = await storedWorkspace(page);
  assertEqual(saved.machines.find((m) => m.name === 'Machine').type, 'EXPRESS', 'stored type');
  await page.reload();
  await page.locator(tid('machine-tab-Machine')).click();
  assertEqual(await page.locator(tid('machine-type')).inputValue(), 'EXPRESS', 'type after a reload');
  assertEqual(await editorText('definition'), FIXED, 'definition after a reload');

  // A share link carries it.
  await inOtherBrowser(page, await shareLink(page), async (friend) => {
    await friend.locator(tid('machine-tab-Machine')).click();
    assertEqual(await friend.locator(tid('machine-type')).inputValue(), 'EXPRESS', 'type from the share link');
    await friend.locator(tid('machine-tab-Parent')).click();
    assertEqual(await friend.locator(tid('machine-type')).inputValue(), 'STANDARD', 'Standard from the share link');
  });

  // A phone: the control is on screen and the page no wider than it.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator(tid('machine-tab-Machine')).click();
  const box = await typeSelect.boundingBox();
  assert(box && box.x >= 0 && box.x + box.width <= 390, `type control at 390 px: ${JSON.stringify(box)}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `the page is ${width} px wide at 390`);
  await screenshot('3-phone');

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
