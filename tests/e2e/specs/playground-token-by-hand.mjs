// The "wait for a task token" example end to end: start the parent, step until it waits on the
// child it started, visit the child and come back, complete the token by hand from the Pending
// tokens panel, and check the parent's output, the graph's colours and that a reload keeps the
// machines.
import { openExample, runToEnd, tid } from '../lib/playground.mjs';

export default async function tokenByHand(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  const t0 = Date.now();
  await page.goto(`${baseUrl}/`);
  await page.locator(tid('app')).waitFor();
  console.log(`  first render: ${Date.now() - t0} ms`);

  await openExample(page, 'wait-for-task-token', 'Parent');
  await page.locator(tid('machine-tab-HelloWorld')).waitFor();
  await screenshot('1-example-loaded');

  await page.click(tid('start'));
  await page.locator(tid('exec-Parent')).waitFor();
  await screenshot('2-started');

  // Step until the parent waits on its token and the child shows in the tree.
  const parentTask = page.locator(tid('state-Start HelloWorld'));
  let steps = 0;
  for (; steps < 60; steps++) {
    const waiting = (await parentTask.getAttribute('data-status')) === 'Waiting for callback';
    const child = (await page.locator(tid('exec-HelloWorld')).count()) > 0;
    if (waiting && child) break;
    // Alternate the Step button and the `s` shortcut (focus is on a button, not in an editor).
    if (steps % 2 === 0) await page.click(tid('step'));
    else await page.keyboard.press('s');
  }
  assert(steps < 60, 'the parent never waited for its token with the child in the tree');
  await screenshot('3-parent-waiting');

  // Open the child, then come back through the breadcrumb to the Task state that started it.
  await page.click(tid('exec-HelloWorld'));
  await page.locator(`${tid('graph')}[data-machine="HelloWorld"]`).waitFor();
  await screenshot('4-child-open');
  await page.click(tid('crumb-0'));
  await page.locator(`${tid('graph')}[data-machine="Parent"]`).waitFor();
  assertEqual(await page.locator(tid('inspector-state')).innerText(), 'Start HelloWorld', 'state selected after going back');
  await screenshot('5-back-to-parent');

  // Complete the token by hand.
  await page.click(tid('tab-tokens'));
  const token = page.locator(tid('pending-token'));
  await token.waitFor();
  assertEqual(await token.getAttribute('data-state'), 'Start HelloWorld', 'pending token state');
  await page.fill(tid('token-output'), '{"approved": true}');
  await screenshot('6-token-answer');
  await page.click(tid('send-success'));
  await runToEnd(page, 'Parent', 'SUCCEEDED');

  await page.click(tid('exec-Parent'));
  const output = JSON.parse(await page.locator(`${tid('exec-output')} pre`).innerText());
  assertEqual(output, { approved: true }, 'parent output');
  const statuses = await page.locator(`${tid('graph')} g.state`).evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  assert(statuses.length > 0 && statuses.every((s) => s === 'Succeeded'), `graph statuses: ${statuses}`);
  await screenshot('7-parent-succeeded');

  // The autosaved workspace survives a reload.
  await page.reload();
  await page.locator(tid('machine-tab-Parent')).waitFor();
  await page.locator(tid('machine-tab-HelloWorld')).waitFor();
  await screenshot('8-after-reload');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
