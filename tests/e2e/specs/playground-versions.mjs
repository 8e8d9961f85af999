// Versions and aliases from the machines panel: a child is published as version 1, the alias
// "live" points at it, a parent calls the alias ARN (.sync:2) and the executions tree shows that
// the child ran "live · v1"; the child is changed, published as version 2, the alias moved, and
// the next run shows "live · v2" and the new output.
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

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
