// Versions and aliases from the machines panel: a child is published as version 1, the alias
// "live" points at it, a parent calls the alias ARN (.sync:2) and the executions tree shows that
// the child ran "live · v1"; the child is changed, published as version 2, the alias moved, and
// the next run shows "live · v2" and the new output. Then two-version routing (a refused split
// and an accepted one), Reset keeping the versions, a reload and a share link bringing them back.
const tid = (id) => `[data-testid="${id}"]`;

const child = (greeting) => `{
  "StartAt": "Greet",
  "States": { "Greet": { "Type": "Pass", "Result": "${greeting}", "End": true } }
}`;
const PARENT = `{
  "StartAt": "Call",
  "States": {
    "Call": {
      "Type": "Task",
      "Resource": "arn:aws:states:::states:startExecution.sync:2",
      "Parameters": { "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Machine:live", "Input": {} },
      "OutputPath": "$.Output",
      "End": true
    }
  }
}`;

export default async function playgroundVersions(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  await page.goto(`${baseUrl}/`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator(tid('machine-tab-Parent')).waitFor();

  // The child: version 1, then the alias "live" at it.
  await page.click(tid('machine-add'));
  await page.locator(`${tid('machine-tab-Machine')}[aria-selected="true"]`).waitFor();
  await page.fill(tid('definition'), child('one'));
  await page.click(tid('version-publish'));
  await page.locator(tid('version-1')).waitFor();
  await page.fill(tid('alias-name'), 'live');
  await page.click(tid('alias-set'));
  assertEqual(await page.locator(tid('alias-live')).innerText(), 'live → v1', 'alias label');
  await screenshot('1-published');

  // The parent calls the alias.
  await page.click(tid('machine-add'));
  await page.locator(`${tid('machine-tab-Machine2')}[aria-selected="true"]`).waitFor();
  await page.fill(tid('definition'), PARENT);
  await page.locator(tid('diagnostics-ok')).waitFor();
  await page.selectOption(tid('entry-select'), 'Machine2');
  await page.click(tid('start'));
  await page.click(tid('run-to-end'));
  await page.locator(`${tid('exec-Machine2')}[data-status="SUCCEEDED"]`).waitFor({ timeout: 30_000 });
  const firstChild = page.locator(tid('exec-Machine')).first();
  assertEqual(await firstChild.getAttribute('data-status'), 'SUCCEEDED', 'child status');
  assertEqual(await firstChild.locator(tid('exec-version')).innerText(), 'live · v1', 'the version the child ran');
  await screenshot('2-ran-v1');

  // Version 2 and the alias moved: the next run takes it.
  await page.click(tid('machine-tab-Machine'));
  await page.fill(tid('definition'), child('two'));
  await page.click(tid('version-publish'));
  await page.locator(tid('version-2')).waitFor();
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
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('stepwise.workspace.v1')));
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
  await page.selectOption(tid('entry-select'), 'Machine2');
  await page.click(tid('start'));
  await page.click(tid('run-to-end'));
  await page.locator(`${tid('exec-Machine2')}[data-status="SUCCEEDED"]`).waitFor({ timeout: 30_000 });
  assert(/^live · v[12]$/.test(await page.locator(`${tid('exec-Machine')} ${tid('exec-version')}`).innerText()), 'the child ran a version of the split alias');
  await screenshot('4-after-reload');

  // A share link carries them to another browser.
  await page.click(tid('share'));
  const link = await page.locator(tid('share-link')).inputValue();
  await page.keyboard.press('Escape');
  const other = await page.context().browser().newContext();
  try {
    const friend = await other.newPage();
    await friend.goto(link);
    await friend.locator(tid('machine-tab-Machine')).click();
    await friend.locator(tid('version-2')).waitFor();
    assertEqual(await friend.locator(tid('alias-live')).innerText(), 'live → v1 50% / v2 50%', 'alias from the share link');
  } finally {
    await other.close();
  }

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
