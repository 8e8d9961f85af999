// TestState's context object and field validation in the inspector's "Test this state" panel,
// as a user meets them: run the "Associate the child with its parent" example, open "Start
// HelloWorld" (a .sync Task whose Parameters read $$.Execution.Id) and test it alone. The run's
// recorded result is refused under STRICT as AWS refuses it (StartDate is milliseconds, AWS's
// check wants text) with a hint; NONE lets it through. A context object replaces TestState's
// own $$ as given; PRESENT lets a result without the required fields through; broken,
// forbidden, mistyped and absurdly deep contexts get clear refusals and the page carries on.
import { openExample, runToEnd, tid } from '../lib/playground.mjs';

export default async function testStateContext(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  await page.goto(`${baseUrl}/`);
  await page.locator(tid('app')).waitFor();
  await openExample(page, 'started-by-execution-id', 'Parent');
  await page.click(tid('start'));
  await page.locator(tid('exec-Parent')).waitFor();
  await runToEnd(page, 'Parent', 'SUCCEEDED', { timeout: 20_000 });
  await page.click(tid('exec-Parent'));
  await page.click(tid('state-Start HelloWorld'));
  await page.click(tid('test-state-toggle'));
  await page.locator(tid('test-state')).waitFor();

  // The panel offers AWS's three modes, STRICT first (AWS's default), and an empty context.
  const modes = await page.locator(`${tid('ts-field-validation')} option`).allInnerTexts();
  assertEqual(modes, ['STRICT', 'PRESENT', 'NONE'], 'field validation modes');
  assertEqual(await page.locator(tid('ts-field-validation')).inputValue(), 'STRICT', 'STRICT by default');
  assertEqual(await page.locator(tid('ts-context')).inputValue(), '', 'no context by default');

  // The run's own .sync result, prefilled: AWS's STRICT check refuses its numeric StartDate.
  const recorded = JSON.parse(await page.locator(tid('ts-mock-result')).inputValue());
  assertEqual(typeof recorded.StartDate, 'number', `the recorded result has StartDate in ms: ${recorded.StartDate}`);
  // Each run replaces the answer; the panel marks nothing while it runs, so a check waits for
  // what the run must show (a refusal's text, or a status) rather than for any answer.
  let runs = 0;
  const run = async () => {
    runs += 1;
    await page.click(tid('ts-run'));
  };
  const shows = async (id, want, what) => {
    let text = '';
    for (let i = 0; i < 100; i++) {
      text = (await page.locator(tid(id)).count()) ? await page.locator(tid(id)).innerText() : '';
      if (text.startsWith(want)) return text;
      await page.waitForTimeout(50);
    }
    assert(false, `${what} (run ${runs}): wanted "${want}", the panel shows "${text}"`);
    return text;
  };
  const refused = (message, what) => shows('ts-failure', message, what);
  // A stage's value, once the run shows it (the answer before may have had the same status).
  const until = async (read, want, what) => {
    let got;
    for (let i = 0; i < 100; i++) {
      got = await read().catch(() => undefined);
      if (got === want) break;
      await page.waitForTimeout(50);
    }
    assertEqual(got, want, what);
  };
  const status = (want, what) => shows('ts-status', want, what);
  await run();
  await refused(
    "ValidationException: Mock result schema validation error: Field 'StartDate' must be a string",
    'STRICT refuses the numeric StartDate in AWS words',
  );
  assert((await page.locator(tid('ts-failure-hint')).innerText()).includes('NONE'), 'the hint names the way out');
  await screenshot('1-strict-refuses');

  // NONE: no check. Without a context, $$ is TestState's own (its scratch execution's ARN).
  await page.selectOption(tid('ts-field-validation'), 'NONE');
  await run();
  await status('SUCCEEDED', 'NONE lets the result through');
  const stage = async (name) =>
    JSON.parse(await page.locator(`${tid('ts-answer')} [data-stage="${name}"] pre`).innerText());
  const startedBy = async () => (await stage('afterParameters')).Input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID;
  const own = await startedBy();
  assertEqual(own, 'arn:aws:states:us-east-1:123456789012:execution:TestState:test-state', 'without a context, TestState\'s own $$');

  // A context object: $$ is what it says, nothing else.
  const given = 'arn:aws:states:us-east-1:123456789012:execution:Parent:from-context';
  await page.fill(tid('ts-context'), JSON.stringify({ Execution: { Id: given, Name: 'from-context' } }));
  await run();
  await status('SUCCEEDED', 'with a context');
  await until(startedBy, given, '$$.Execution.Id comes from the context');
  await screenshot('2-context');

  // A result without DescribeExecution's required fields: STRICT refuses, PRESENT lets it by.
  await page.fill(tid('ts-mock-result'), '{"Output": "{\\"greeting\\": \\"hi\\"}", "Status": "SUCCEEDED"}');
  await page.selectOption(tid('ts-field-validation'), 'STRICT');
  await run();
  await refused(
    "ValidationException: Mock result schema validation error: Required field 'ExecutionArn' is missing",
    'STRICT wants the required fields',
  );
  await page.selectOption(tid('ts-field-validation'), 'PRESENT');
  await run();
  await status('SUCCEEDED', 'PRESENT checks only what is there');
  await page.fill(tid('ts-mock-result'), '{"Status": "DONE"}');
  await run();
  await refused(
    "ValidationException: Mock result schema validation error: Field 'Status' is not an expected value",
    'PRESENT still checks the fields given',
  );
  await page.fill(tid('ts-mock-result'), '{"Status": "SUCCEEDED"}');

  // Contexts AWS refuses, and ones nobody should send: a clear message each, the page goes on.
  const refusals = [
    ['{"Execution": ', 'ValidationException: Invalid Context object provided: '],
    ['[1, 2]', 'ValidationException: Invalid Context object provided: the context object must be a JSON object'],
    ['{"Map": {"Item": {"Index": 0}}}', "ValidationException: Invalid Context object provided: 'Map' field is not supported when mocking a Context object"],
    ['{"Execution": {"Id": 42}}', 'ValidationException: Invalid Context object provided: Execution.Id must be a string'],
    ['{"Execution": {"Pokemon": "squirtle"}}', "ValidationException: Invalid Context object provided: Field 'Pokemon' is not allowed"],
    ['{"State": {"RetryCount": "1"}}', 'ValidationException: Invalid Context object provided: State.RetryCount must be an integer'],
    [`{"Execution": {"Input": ${'['.repeat(20000)}${']'.repeat(20000)}}}`, 'ValidationException: Invalid Context object provided: recursion limit exceeded'],
  ];
  for (const [context, message] of refusals) {
    await page.fill(tid('ts-context'), context);
    await run();
    await refused(message, `context ${context.slice(0, 40)}`);
    assertEqual(await page.locator(tid('ts-answer')).count(), 0, 'no answer beside a refusal');
  }
  await screenshot('3-refused-context');

  // Used as given, nothing filled in: without Execution.Id the Parameters path finds nothing.
  await page.fill(tid('ts-context'), '{"State": {"Name": "Start HelloWorld"}}');
  await run();
  await status('FAILED', 'a context without Execution.Id');
  assert((await page.locator(tid('ts-error')).innerText()).includes('States.Runtime'), 'the path error is shown');

  // A .sync Task has a task token: a context may give it, and a large one is fine.
  const rows = Array.from({ length: 5000 }, (_, i) => ({ i, name: `row-${i}` }));
  const big = { Execution: { Id: given, Input: { rows } }, Task: { Token: 't-1' } };
  await page.fill(tid('ts-context'), JSON.stringify(big));
  await run();
  await status('SUCCEEDED', 'a large context with a token');
  await until(startedBy, given, 'its Execution.Id');

  // Blank again: TestState's own context object comes back.
  await page.fill(tid('ts-context'), '');
  await run();
  await status('SUCCEEDED', 'blank context');
  await until(startedBy, own, 'blank context: TestState\'s own $$');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
