// The AWS story of redrive in a nested workflow: a child is published as version 1 and the
// alias "live" points at it; a parent calls the alias (.sync:2); version 1 fails, so the parent
// fails. The user fixes the child, publishes version 2, moves the alias and presses Redrive on
// the parent: the parent resumes at its failed Task, which starts a new child through the alias
// (version 2 now), and succeeds. The tree shows which version each child ran and marks the
// parent "redriven ×1"; the graph shows the Task failed, then succeeded; the history has the ExecutionRedriven event; the timeline marks the
// redrive, and seeking back and forth replays it. Redrive is disabled, with the engine's reason,
// on an execution that cannot be redriven.
import { addMachine, openDefaultWorkspace, publishVersion, runToEnd, startAndRun, syncParent, tid } from '../lib/playground.mjs';

const BROKEN = `{
  "StartAt": "Work",
  "States": { "Work": { "Type": "Fail", "Error": "Broken", "Cause": "version 1 has a bug" } }
}`;
const FIXED = `{
  "StartAt": "Work",
  "States": { "Work": { "Type": "Pass", "Result": "fixed", "End": true } }
}`;

export default async function playgroundRedrive(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  await openDefaultWorkspace(page, baseUrl);

  // The child, version 1 (broken), behind the alias "live".
  await addMachine(page, 'Machine', BROKEN);
  await publishVersion(page, 1);
  await page.click(tid('alias-set'));
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v1', 'alias label');

  // The parent calls the alias and fails with its child.
  await addMachine(page, 'Machine2', syncParent());
  await page.locator(tid('diagnostics-ok')).waitFor();
  await startAndRun(page, 'Machine2', 'FAILED', { timeout: 30_000 });
  const parent = page.locator(tid('exec-Machine2'));
  const children = page.locator(tid('exec-Machine'));
  assertEqual(await children.count(), 1, 'one child so far');
  assertEqual(await children.first().getAttribute('data-status'), 'FAILED', 'the child failed');
  assertEqual(await children.first().locator(tid('exec-version')).innerText(), 'live · v1', 'the child ran version 1');
  assertEqual(await parent.locator(tid('exec-redriven')).count(), 0, 'not redriven yet');
  await parent.click();
  await page.locator(tid('exec-error')).waitFor();
  assertEqual(await page.locator(tid('state-Call')).getAttribute('data-status'), 'Failed', 'the graph shows the failed Task');
  const redrive = page.locator(tid('redrive-execution'));
  assert(await redrive.isEnabled(), 'a FAILED execution can be redriven');
  await screenshot('1-parent-failed');

  // The fix: version 2, and the alias moved to it.
  await page.click(tid('machine-tab-Machine'));
  await page.fill(tid('definition'), FIXED);
  await publishVersion(page, 2);
  await page.selectOption(tid('alias-version'), '2');
  await page.click(tid('alias-set'));
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v2', 'alias moved');

  // Redrive the parent: it resumes at "Call", which starts a new child through the alias.
  await parent.click();
  await page.click(tid('redrive-execution'));
  await runToEnd(page, 'Machine2', 'SUCCEEDED', { timeout: 30_000 });
  assertEqual(await parent.count(), 1, 'a redrive keeps the same execution');
  assertEqual(await parent.locator(tid('exec-redriven')).innerText(), 'redriven ×1', 'the redriven mark');
  const runs = await children.evaluateAll((els) =>
    els.map((e) => [e.dataset.status, e.querySelector('[data-testid="exec-version"]')?.textContent]));
  assertEqual(runs.sort(), [['FAILED', 'live · v1'], ['SUCCEEDED', 'live · v2']], 'each child and the version it ran');
  await parent.click();
  assertEqual(await page.locator(tid('state-Call')).getAttribute('data-status'), 'Succeeded', 'the graph shows the Task the redrive got past as succeeded');
  assertEqual(JSON.parse(await page.locator(`${tid('exec-output')} pre`).innerText()), 'fixed', 'the parent got version 2\'s output');
  // The history is virtualised: filter it down to the execution's own events.
  await page.fill(tid('history-filter'), 'Execution');
  const types = await page.locator(tid('history-row')).evaluateAll((rows) => rows.map((r) => r.dataset.eventType));
  assert(types.includes('ExecutionRedriven'), `the history shows ExecutionRedriven: ${types}`);
  assert(types.indexOf('ExecutionFailed') >= 0 && types.indexOf('ExecutionFailed') < types.indexOf('ExecutionRedriven')
    && types.indexOf('ExecutionRedriven') < types.indexOf('ExecutionSucceeded'), `event order: ${types}`);

  // Once it succeeded, Redrive is disabled with the engine's reason.
  assert(await page.locator(tid('redrive-execution')).isDisabled(), 'a SUCCEEDED execution cannot be redriven');
  const reason = await page.locator(tid('redrive-execution')).getAttribute('title');
  assert(/SUCCEEDED and cannot be redriven/.test(reason), `reason: ${reason}`);
  await screenshot('2-redriven');

  // The timeline marks the redrive; seeking to the start and back replays it.
  const mark = page.locator(tid('timeline-redrive'));
  assertEqual(await mark.count(), 1, 'one redrive mark on the timeline');
  await mark.click();
  const at = await page.locator(tid('timeline-pos')).innerText();
  assertEqual(await parent.getAttribute('data-status'), 'RUNNING', `at the redrive mark (${at}) the parent runs again`);
  assertEqual(await parent.locator(tid('exec-redriven')).innerText(), 'redriven ×1', 'marked from the redrive on');
  await page.locator(tid('timeline')).fill('0');
  assertEqual(await parent.count(), 0, 'nothing at step 0');
  const total = await page.locator(tid('timeline')).getAttribute('max');
  await page.locator(tid('timeline')).fill(total);
  await page.locator(`${tid('exec-Machine2')}[data-status="SUCCEEDED"]`).waitFor();
  assertEqual(await parent.locator(tid('exec-redriven')).innerText(), 'redriven ×1', 'replayed to the end');
  assertEqual(await children.count(), 2, 'both children after the replay');

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
