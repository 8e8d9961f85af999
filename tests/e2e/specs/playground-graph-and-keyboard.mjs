// The graph shows what the history says, and the run can be walked with the mouse or the
// keyboard alone:
// - "Catch a failing child": "Run child" failed and was caught: "Caught error", not green;
//   a Pass failing inside a Parallel branch is Failed, the Parallel that caught it "Caught error";
// - opening a history event moves the timeline to the step that wrote it (later events stay
//   listed, marked) and selects its state on the graph; Step back (button and B) goes back one step;
// - Tab indents in the definition editor, Escape then Tab leaves it; graph states and history
//   rows are in the tab order and open with Enter.
import { openClean, openExample, runToEnd, tid } from '../lib/playground.mjs';

const PARALLEL = JSON.stringify({
  StartAt: 'P',
  States: {
    P: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Bad', States: { Bad: { Type: 'Pass', Parameters: { 'x.$': "States.StringToJson('nope')" }, End: true } } },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
}, null, 2);

export default async function graphAndKeyboard(page, baseUrl, { assert, assertEqual, screenshot, problems, editorText, editorReady }) {
  const status = (state) => page.locator(tid(`state-${state}`)).getAttribute('data-status');
  const position = async () => {
    const m = /step (\d+) \/ (\d+)/.exec(await page.locator(tid('timeline-pos')).innerText());
    return [Number(m[1]), Number(m[2])];
  };
  await openClean(page, baseUrl);

  // A caught child failure.
  await openExample(page, 'catch-child-failure', 'Orders');
  await page.click(tid('start'));
  await runToEnd(page, 'Orders', 'SUCCEEDED');
  await page.click(tid('exec-Orders'));
  assertEqual(await status('Run child'), 'Caught error', '"Run child" after its caught TaskFailed');
  assertEqual(await status('Handle failure'), 'Succeeded', 'the catcher state');
  await screenshot('1-caught-error');

  // Opening a history event moves the timeline to the step that wrote it and selects its state;
  // the later events stay listed, marked as later.
  const [, total] = await position();
  const rowsBefore = await page.locator(tid('history-row')).count();
  await page.click(`${tid('history-row')}[data-event-type="TaskFailed"]`);
  assertEqual(await page.locator(tid('inspector-state')).innerText(), 'Run child', 'state selected from the history');
  assertEqual(await page.locator(tid('state-Run child')).getAttribute('aria-pressed'), 'true', 'the graph highlights it');
  const [at] = await position();
  assert(at > 0 && at < total, `timeline after opening TaskFailed: ${at} / ${total}`);
  const rows = await page.locator(tid('history-row')).evaluateAll((els) => els.map((r) => [r.getAttribute('data-event-type'), r.getAttribute('data-later')]));
  assertEqual(rows.length, rowsBefore, 'every event stays listed');
  const present = rows.filter(([, later]) => later === 'false').map(([t]) => t);
  assertEqual(present[present.length - 1], 'TaskFailed', 'the latest event at that step');
  assert(rows.some(([t, later]) => t === 'ExecutionSucceeded' && later === 'true'), 'the end of the run is listed as later');
  assertEqual(await page.locator(`${tid('exec-Orders')}`).getAttribute('data-status'), 'RUNNING', 'the execution as it was then');
  assert((await page.locator(tid('notice')).innerText()).includes(`Looking back at step ${at}`), 'the notice says where the timeline is');
  await screenshot('2-history-seek');

  // Keyboard: states and history rows are in the tab order and open with Enter.
  await page.locator(tid('state-Handle failure')).focus();
  assertEqual(await page.locator(tid('state-Handle failure')).getAttribute('tabindex'), '0', 'graph state tabindex');
  await page.keyboard.press('Enter');
  assertEqual(await page.locator(tid('inspector-state')).innerText(), 'Handle failure', 'state opened with Enter');
  const row = page.locator(`${tid('history-row')}[data-event-type="TaskScheduled"]`);
  assertEqual(await row.getAttribute('tabindex'), '0', 'history row tabindex');
  await row.focus();
  await page.keyboard.press('Enter');
  assertEqual(await row.getAttribute('aria-expanded'), 'true', 'history row opened with Enter');
  await page.locator(tid('history-detail')).waitFor();

  // Keyboard: Tab indents in the editor; Escape then Tab leaves it.
  // (The editor is CodeMirror by now: data-testid="definition" is its editable content.)
  await editorReady('definition');
  const editor = page.locator(tid('definition'));
  await editor.focus();
  const before = await editorText('definition');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Tab');
  assertEqual(await editorText('definition'), `  ${before}`, 'Tab indents');
  assert(await editor.evaluate((el) => document.activeElement === el), 'Tab stays in the editor');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert(!(await editor.evaluate((el) => el.contains(document.activeElement))), 'Escape then Tab leaves the editor');
  assertEqual(await editorText('definition'), `  ${before}`, 'leaving does not indent');

  // A Pass failing inside a Parallel branch.
  await page.click(tid('new-workspace'));
  await page.fill(tid('definition'), PARALLEL);
  await page.click(tid('start'));
  await runToEnd(page, 'Machine', 'SUCCEEDED');
  assertEqual(await status('Bad'), 'Failed', 'the Pass that failed in the branch');
  assertEqual(await status('P'), 'Caught error', 'the Parallel whose Catch took over');
  await screenshot('3-parallel');

  // Step back: the button, then the B key.
  const [end, all] = await position();
  assertEqual(end, all, 'at the end');
  await page.click(tid('step-back'));
  assertEqual(await position(), [all - 1, all], 'after Step back');
  await page.keyboard.press('b');
  assertEqual(await position(), [all - 2, all], 'after B');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
