// The timeline branches instead of throwing runs away. In "Human approval": answer the token
// by hand (rejected), run to the end, seek back to before the answer (the notice says where the
// timeline stands, not "Every execution has finished."), answer differently (approved): a new
// branch, announced. The rejected run is listed under Branches with its answer by hand;
// restoring it replays that answer, and the approved run can be restored in turn. A Step from the
// past branches too.
import { openExample, tid } from '../lib/playground.mjs';

export default async function timelineBranches(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  const position = async () => {
    const m = /step (\d+) \/ (\d+)/.exec(await page.locator(tid('timeline-pos')).innerText());
    assert(m, 'the timeline shows "step N / M"');
    return [Number(m[1]), Number(m[2])];
  };
  const seek = (tick) =>
    page.locator(tid('timeline')).evaluate((el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, tick);
  const status = () => page.locator(tid('exec-Approval')).getAttribute('data-status');
  const notice = () => page.locator(tid('notice')).innerText();
  const answer = async (output) => {
    await page.click(tid('tab-tokens'));
    await page.fill(tid('token-output'), output);
    await page.click(tid('send-success'));
  };
  const runToEnd = async (expected) => {
    await page.click(tid('run-to-end'));
    await page.locator(`${tid('exec-Approval')}[data-status="${expected}"]`).waitFor();
  };

  await page.goto(`${baseUrl}/`);
  await page.evaluate(() => localStorage.clear());
  await openExample(page, 'approval', 'Approval');
  await page.click(tid('start'));
  await page.click(tid('run-to-end'));
  await page.locator(tid('pending-token')).waitFor();
  const [waiting] = await position();

  await answer('{"approved": false}');
  await runToEnd('FAILED');
  const [end, total] = await position();
  assertEqual(end, total, 'at the end of the run');
  assert((await notice()).includes('Every execution has finished.'), `notice at the end: ${await notice()}`);

  // Seek back to before the answer: the notice says so.
  await seek(waiting);
  assertEqual(await position(), [waiting, total], 'position after seeking back');
  const looking = await notice();
  assert(looking.includes(`Looking back at step ${waiting} of ${total}`) && !looking.includes('Every execution has finished'), `notice after seeking back: ${looking}`);
  assertEqual(await status(), 'RUNNING', 'the execution is running again at that step');
  await screenshot('1-looking-back');

  // Answer differently: a new branch, and the old future is listed with its answer by hand.
  await answer('{"approved": true}');
  const branched = await notice();
  assert(branched.includes(`You acted from step ${waiting}, so this is a new branch`) && branched.includes('1 answer by hand'), `notice after branching: ${branched}`);
  await runToEnd('SUCCEEDED');
  const options = await page.locator(`${tid('branch-select')} option`).allInnerTexts();
  assertEqual(options.length, 1, 'one branch kept');
  assert(options[0].startsWith(`From step ${waiting}:`) && options[0].includes('1 answer by hand'), `branch label: ${options[0]}`);
  await screenshot('2-new-branch');

  // Restore the rejected run: its answer by hand is replayed.
  await page.click(tid('branch-restore'));
  await page.locator(`${tid('exec-Approval')}[data-status="FAILED"]`).waitFor();
  assertEqual(await position(), [end, total], 'position after restoring the branch');
  await page.click(tid('exec-Approval'));
  assert((await page.locator(tid('exec-error')).innerText()).includes('Rejected'), 'the restored run was rejected by the replayed answer');
  const swapped = await page.locator(`${tid('branch-select')} option`).allInnerTexts();
  assertEqual(swapped.length, 1, 'the approved run is now the branch');
  await screenshot('3-branch-restored');
  await page.click(tid('branch-restore'));
  await page.locator(`${tid('exec-Approval')}[data-status="SUCCEEDED"]`).waitFor();

  // A Step from the past branches as well.
  await seek(2);
  await page.click(tid('step'));
  assert((await notice()).includes('You acted from step 2, so this is a new branch'), `notice after stepping from the past: ${await notice()}`);
  assertEqual(await page.locator(`${tid('branch-select')} option`).count(), 2, 'branches after stepping from the past');
  assertEqual(await position(), [3, 3], 'the new branch ends where it was stepped');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
