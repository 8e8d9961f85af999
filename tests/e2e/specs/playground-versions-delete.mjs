// Deleting versions and aliases from the machines panel, as DeleteStateMachineVersion and
// DeleteStateMachineAlias do: a version an alias routes to is refused with AWS's
// ConflictException text, a version goes only once confirmed, its number is never given again
// (after a reload too), and a parent calling a deleted alias fails as on AWS.
import {
  addMachine, greetingChild as child, LIVE_ALIAS_ARN as ALIAS, openDefaultWorkspace, publishVersion, startAndRun,
  storedWorkspace, syncParent, tid,
} from '../lib/playground.mjs';

export default async function playgroundVersionsDelete(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  await openDefaultWorkspace(page, baseUrl);
  const notice = () => page.locator(tid('notice')).innerText();
  const versions = async () => (await page.locator(`${tid('versions')} .version-list [data-testid^="version-"]:not(button)`).allInnerTexts());

  // A child with versions 1 and 2, alias "live" at version 1, a parent calling the alias.
  await addMachine(page, 'Machine', child('one'));
  await publishVersion(page, 1);
  await page.fill(tid('definition'), child('two'));
  await publishVersion(page, 2);
  await page.selectOption(tid('alias-version'), '1');
  await page.click(tid('alias-set'));
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v1', 'alias label');
  await addMachine(page, 'Machine2', syncParent(ALIAS));
  await page.locator(tid('diagnostics-ok')).waitFor();
  await startAndRun(page, 'Machine2', 'SUCCEEDED', { timeout: 30_000 });

  // Version 1 is routed to by "live": refused in AWS's words, and kept.
  await page.click(tid('machine-tab-Machine'));
  page.once('dialog', (d) => d.accept());
  await page.click(tid('version-delete-1'));
  const refused = await notice();
  assert(
    refused.includes('Not deleted: ConflictException: Version to be deleted must not be referenced by an alias. '
      + `Current list of aliases referencing this version: [${ALIAS}]`),
    `notice: ${refused}`,
  );
  assertEqual(await versions(), ['v2', 'v1'], 'both versions kept');
  await screenshot('1-refused');

  // Version 2: nothing happens when the confirmation is declined, it goes once accepted.
  page.once('dialog', (d) => d.dismiss());
  await page.click(tid('version-delete-2'));
  assertEqual(await versions(), ['v2', 'v1'], 'declined: kept');
  page.once('dialog', (d) => d.accept());
  await page.click(tid('version-delete-2'));
  await page.locator(tid('version-2')).waitFor({ state: 'detached' });
  assert((await notice()).includes(`Deleted arn:aws:states:us-east-1:123456789012:stateMachine:Machine:2`), `notice: ${await notice()}`);
  const saved = await storedWorkspace(page);
  const savedChild = saved.machines.find((m) => m.name === 'Machine');
  assertEqual(savedChild.versions.map((v) => v.number), [1], 'saved versions');
  assertEqual(savedChild.nextVersion, 3, 'the next number is saved');

  // After a reload, publishing gives version 3: 2 is not given again.
  await page.reload();
  await page.locator(tid('machine-tab-Machine')).click();
  await page.locator(tid('version-1')).waitFor();
  assertEqual(await versions(), ['v1'], 'after a reload');
  await publishVersion(page, 3);
  assertEqual(await versions(), ['v3', 'v1'], 'the number after a deleted one');

  // The alias goes (its versions stay); a parent calling it then fails as on AWS.
  await page.click(tid('alias-delete-live'));
  await page.locator(tid('alias-live')).waitFor({ state: 'detached' });
  assert((await notice()).includes(`Deleted ${ALIAS}; the versions it routed to stay`), `notice: ${await notice()}`);
  assertEqual(await versions(), ['v3', 'v1'], 'versions stay');
  page.once('dialog', (d) => d.accept());
  await page.click(tid('version-delete-1'));
  await page.locator(tid('version-1')).waitFor({ state: 'detached' });
  await startAndRun(page, 'Machine2', 'FAILED', { timeout: 30_000 });
  await page.locator(`${tid('exec-Machine2')}[data-status="FAILED"]`).click();
  const error = await page.locator(tid('exec-error')).innerText();
  assert(error.includes('StateMachineDoesNotExist'), `the parent's error: ${error}`);
  await screenshot('2-alias-deleted');

  // Reload: what was deleted stays deleted.
  await page.reload();
  await page.locator(tid('machine-tab-Machine')).click();
  await page.locator(tid('version-3')).waitFor();
  assertEqual(await versions(), ['v3'], 'versions after a reload');
  assertEqual(await page.locator(`${tid('versions')} .alias-list li`).count(), 0, 'no alias after a reload');

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
