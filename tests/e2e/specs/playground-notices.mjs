// What the playground says when something stops or goes wrong, and that it says it without
// hiding anything:
// - a nested example run twice fails with ExecutionAlreadyExists (as on AWS): the notice and the
//   inspector say why and offer Reset, which makes the next run succeed;
// - "Human approval" waiting on its token asks for an answer (not for T, which would time the
//   task out), and the message does not cover Send success;
// - a broken definition's error is one short line, not the definition quoted twice;
// - the timeline counts steps and says so, apart from the history's event count.
import { openClean, openExample, runToEnd, tid } from '../lib/playground.mjs';

export default async function playgroundNotices(page, baseUrl, { assert, assertEqual, screenshot, problems, editorText }) {
  const notice = () => page.locator(tid('notice')).innerText();
  await openClean(page, baseUrl);

  // Item 5: run a nested example twice.
  await openExample(page, 'sync-start', 'Parent');
  await page.click(tid('start'));
  await runToEnd(page, 'Parent', 'SUCCEEDED');
  await page.click(tid('start'));
  await runToEnd(page, 'Parent', 'FAILED');
  const why = await notice();
  assert(why.includes('ExecutionAlreadyExists') && why.includes('"ExecutionName"') && why.includes('Reset'), `notice after the second run: ${why}`);
  await page.locator(`${tid('exec-Parent')}[data-status="FAILED"]`).click();
  assert((await page.locator(tid('exec-error-hint')).innerText()).includes('same name'), 'the inspector explains the failure');
  await screenshot('1-already-exists');
  await page.click(tid('notice-reset'));
  assertEqual(await page.locator(tid('exec-Parent')).count(), 0, 'executions after Reset');
  await page.click(tid('start'));
  await runToEnd(page, 'Parent', 'SUCCEEDED');

  // Item 6: Human approval waits for an answer; the notice neither suggests T nor covers Send success.
  await openExample(page, 'approval', 'Approval');
  await page.click(tid('start'));
  await page.click(tid('run-to-end'));
  await page.locator(tid('pending-token')).waitFor();
  const waiting = await notice();
  assert(waiting.includes('answer the task token') && !/with T\b/.test(waiting), `notice while waiting: ${waiting}`);
  assert(waiting.includes('fails the task'), `the notice warns that the next timer is the task's deadline: ${waiting}`);
  const [n, b] = [await page.locator(tid('notice')).boundingBox(), await page.locator(tid('send-success')).boundingBox()];
  const overlap = !(n.x + n.width <= b.x || b.x + b.width <= n.x || n.y + n.height <= b.y || b.y + b.height <= n.y);
  assert(!overlap, `the notice ${JSON.stringify(n)} covers Send success ${JSON.stringify(b)}`);
  const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.getAttribute('data-testid'), [b.x + b.width / 2, b.y + b.height / 2]);
  assertEqual(onTop, 'send-success', 'what is under the middle of Send success');
  await screenshot('2-approval-waiting');
  await page.fill(tid('token-output'), '{"approved": true}');
  await page.click(tid('send-success'));
  await runToEnd(page, 'Approval', 'SUCCEEDED');

  // Item 7: steps and events are labelled as the different things they are.
  const pos = await page.locator(tid('timeline-pos')).innerText();
  assert(/^step \d+ \/ \d+$/.test(pos), `timeline position: ${pos}`);
  assert(/^\d+ events/.test(await page.locator(tid('counts')).innerText()), 'the counts line counts events');
  assert((await page.locator('.timeline').getAttribute('title')).includes('several history events'), 'the timeline explains its unit');

  // Item 11: a broken definition gets a short message.
  await page.click(tid('machine-tab-Approval'));
  const broken = (await editorText('definition')).replace(/\}\s*$/, '');
  await page.fill(tid('definition'), broken);
  await page.locator(tid('diagnostic')).first().waitFor();
  const diag = await page.locator(tid('diagnostics')).innerText();
  assert(diag.length < 300 && !diag.includes('Prepare request'), `diagnostics for broken JSON (${diag.length} characters): ${diag.slice(0, 400)}`);
  await screenshot('3-broken-json');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
