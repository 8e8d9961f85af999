// Versions and aliases from the machines panel: a child is published as version 1, the alias
// "live" points at it, a parent calls the alias ARN (.sync:2) and the executions tree shows that
// the child ran "live · v1"; the child is changed, published as version 2, the alias moved, and
// the next run shows "live · v2" and the new output. Then two-version routing (a refused split
// and an accepted one), Reset keeping the versions, a reload and a share link bringing them back.
import {
  addMachine, greetingChild as child, inOtherBrowser, openDefaultWorkspace, publishVersion, shareLink,
  startAndRun, storedWorkspace, syncParent, tid,
} from '../lib/playground.mjs';

export default async function playgroundVersions(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  await openDefaultWorkspace(page, baseUrl);

  // The child: version 1, then the alias "live" at it.
  await addMachine(page, 'Machine', child('one'));
  await publishVersion(page, 1);
  await page.fill(tid('alias-name'), 'live');
  await page.click(tid('alias-set'));
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v1', 'alias label');
  await screenshot('1-published');

  // The parent calls the alias.
  await addMachine(page, 'Machine2', syncParent());
  await page.locator(tid('diagnostics-ok')).waitFor();
  await startAndRun(page, 'Machine2', 'SUCCEEDED', { timeout: 30_000 });
  const firstChild = page.locator(tid('exec-Machine')).first();
  assertEqual(await firstChild.getAttribute('data-status'), 'SUCCEEDED', 'child status');
  assertEqual(await firstChild.locator(tid('exec-version')).innerText(), 'live · v1', 'the version the child ran');
  await screenshot('2-ran-v1');

  // Version 2 and the alias moved: the next run takes it.
  await page.click(tid('machine-tab-Machine'));
  await page.fill(tid('definition'), child('two'));
  await publishVersion(page, 2);
  await page.selectOption(tid('alias-version'), '2');
  await page.click(tid('alias-set'));
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v2', 'alias moved');
  await page.click(tid('start'));
  await page.click(tid('run-to-end'));
  await page.locator(`${tid('exec-Machine2')}[data-status="SUCCEEDED"]`).nth(1).waitFor({ timeout: 30_000 });
  const labels = await page.locator(`${tid('exec-Machine')} ${tid('exec-version')}`).allInnerTexts();
  assert(labels.includes('live · v1') && labels.includes('live · v2'), `version labels: ${labels}`);
  await page.locator(tid('exec-Machine2')).first().click();
  assertEqual(JSON.parse(await page.locator(`${tid('exec-output')} pre`).innerText()), 'two', 'the parent got v2\'s output');
  await screenshot('3-ran-v2');

  // Two-version routing: weights that do not add up to 100 are refused with the engine's words;
  // 50/50 is accepted and shown.
  await page.click(tid('machine-tab-Machine'));
  await page.selectOption(tid('alias-version'), '1');
  await page.fill(tid('alias-weight'), '50');
  await page.selectOption(tid('alias-version-2'), '2');
  await page.fill(tid('alias-weight-2'), '40');
  await page.click(tid('alias-set'));
  const refused = await page.locator(tid('notice')).innerText();
  assert(/Alias not set/.test(refused) && /ValidationException/.test(refused) && /add up to 100/.test(refused), `notice: ${refused}`);
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v2', 'a refused alias is unchanged');
  await page.fill(tid('alias-weight-2'), '50');
  await page.click(tid('alias-set'));
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v1 50% / v2 50%', 'split alias');
  await page.fill(tid('alias-name'), 'old');
  await page.selectOption(tid('alias-version-2'), '');
  await page.fill(tid('alias-weight'), '100');
  await page.click(tid('alias-set'));
  assertEqual(await page.locator(tid('alias-old')).innerText(), 'old → v1', 'second alias');

  // Reset forgets executions, not versions.
  await page.click(tid('reset'));
  assertEqual(await page.locator(tid('exec-Machine')).count(), 0, 'no execution after Reset');
  await page.locator(tid('version-2')).waitFor();
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v1 50% / v2 50%', 'alias after Reset');

  // Reload: versions (their text byte for byte) and aliases come back, and the parent runs
  // through the alias again although the child's own text is now half-typed.
  await page.fill(tid('definition'), '{ "StartAt": ');
  const stored = await storedWorkspace(page);
  const savedChild = stored.machines.find((m) => m.name === 'Machine');
  assertEqual(savedChild.versions.map((v) => [v.number, v.definition]), [[1, child('one')], [2, child('two')]], 'saved versions, as typed');
  assertEqual(savedChild.aliases, [
    { name: 'live', routing: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }] },
    { name: 'old', routing: [{ version: 1, weight: 100 }] },
  ], 'saved aliases');
  await page.reload();
  await page.locator(tid('machine-tab-Machine')).click();
  await page.locator(tid('version-1')).waitFor();
  await page.locator(tid('version-2')).waitFor();
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v1 50% / v2 50%', 'alias after a reload');
  assertEqual(await page.locator(tid('alias-old')).innerText(), 'old → v1', 'second alias after a reload');
  await startAndRun(page, 'Machine2', 'SUCCEEDED', { timeout: 30_000 });
  assert(/^live · v[12]$/.test(await page.locator(`${tid('exec-Machine')} ${tid('exec-version')}`).innerText()), 'the child ran a version of the split alias');
  await screenshot('4-after-reload');

  // A share link carries them to another browser.
  await inOtherBrowser(page, await shareLink(page), async (friend) => {
    await friend.locator(tid('machine-tab-Machine')).click();
    await friend.locator(tid('version-2')).waitFor();
    assertEqual(await friend.locator(tid('alias-live')).innerText(), 'live → v1 50% / v2 50%', 'alias from the share link');
  });

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
