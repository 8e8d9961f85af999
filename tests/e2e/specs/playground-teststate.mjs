// "Test this state" (AWS's TestState) from the inspector, as a user does it: run the mocked
// Lambda example, open "Check stock", read its recorded data-flow stages, then test the state
// alone with an edited input and a mocked result (SUCCEEDED, next state "In stock?"), a mocked
// error its Retry takes (RETRIABLE) and one nothing takes (FAILED); test the Choice on an edited
// input (next state "Sold out"). The execution itself does not change. Then a Map (the fan-out
// example's "Fan out"): its items and limits, a mocked result standing for the iterations, a
// mocked result AWS refuses; and a state nested in its processor. A Task's mocked result is
// checked as AWS checks it (field validation STRICT refuses a parsed Lambda Payload; NONE and
// PRESENT are chosen where the mock is partial).
import { openExample, runToEnd, tid } from '../lib/playground.mjs';

export default async function testState(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  await page.goto(`${baseUrl}/`);
  await page.locator(tid('app')).waitFor();
  await openExample(page, 'mocked-lambda', 'Orders');

  await page.click(tid('start'));
  await page.locator(tid('exec-Orders')).waitFor();
  // Runs until Charge card waits for a hand-made answer: Check stock has failed once and succeeded.
  await page.click(tid('run-to-end'));
  const charge = page.locator(tid('state-Charge card'));
  for (let i = 0; i < 50 && (await charge.getAttribute('data-status')) !== 'Waiting for callback'; i++) {
    await page.waitForTimeout(100);
  }
  const statusBefore = await page.locator(tid('exec-Orders')).getAttribute('data-status');

  // The recorded stages of Check stock, as the engine ran them.
  await page.click(tid('state-Check stock'));
  assertEqual(await page.locator(tid('inspector-state')).innerText(), 'Check stock', 'state selected');
  const json = async (id) => JSON.parse(await page.locator(`${tid(id)} pre`).innerText());
  const input = await json('io-input');
  assert(input.orderId !== undefined, `the run's input: ${JSON.stringify(input)}`);
  const unchanged = await page.locator(tid('io-after-input-path')).innerText();
  assert(unchanged.toLowerCase().includes('unchanged'), `no InputPath: the stage says so (${unchanged})`);
  assertEqual((await json('io-parameters')).Payload, input, 'Parameters put the input in Payload');
  assertEqual(await json('io-after-result-selector'), { inStock: true }, 'after ResultSelector');
  assertEqual((await json('io-after-result-path')).stock, { inStock: true }, 'after ResultPath');
  assertEqual((await json('io-output')).stock, { inStock: true }, 'output');
  await screenshot('1-recorded-stages');

  // Test the state alone: the input and the mocked result come prefilled from the run.
  await page.click(tid('test-state-toggle'));
  await page.locator(tid('test-state')).waitFor();
  assertEqual(JSON.parse(await page.locator(tid('ts-input')).inputValue()), input, 'input prefilled from the run');
  const prefilled = JSON.parse(await page.locator(tid('ts-mock-result')).inputValue());
  assertEqual(prefilled.Payload.inStock, true, 'mocked result prefilled with the recorded result');

  await page.fill(tid('ts-input'), '{"orderId": "o-9", "amount": 5}');
  await page.fill(tid('ts-mock-result'), '{"Payload": {"inStock": false}}');
  // AWS checks a mocked result against Lambda's response shape (STRICT by default), where the
  // Payload is text: the parsed Payload an execution records is refused, and NONE lets it in.
  await page.click(tid('ts-run'));
  assertEqual(
    await page.locator(tid('ts-failure')).innerText(),
    "ValidationException: Mock result schema validation error: Field 'Payload' must be a string",
    'STRICT refuses a parsed Payload as AWS does',
  );
  assert((await page.locator(tid('ts-failure-hint')).innerText()).includes('NONE'), 'with a hint');
  await page.selectOption(tid('ts-field-validation'), 'NONE');
  await page.click(tid('ts-run'));
  await page.locator(tid('ts-answer')).waitFor();
  assertEqual(await page.locator(tid('ts-status')).innerText(), 'SUCCEEDED', 'status');
  assertEqual(await page.locator(tid('ts-next-state')).innerText(), 'In stock?', 'next state');
  const stageOf = (name) => page.locator(`${tid('ts-answer')} [data-stage="${name}"]`);
  const stage = async (name) => JSON.parse(await stageOf(name).locator('pre').innerText());
  assertEqual(await stage('input'), { orderId: 'o-9', amount: 5 }, 'tested input');
  assert((await stageOf('afterInputPath').innerText()).toLowerCase().includes('unchanged'), 'no InputPath: unchanged');
  assertEqual((await stage('afterParameters')).Payload, { orderId: 'o-9', amount: 5 }, 'after Parameters');
  assertEqual(await stage('result'), { Payload: { inStock: false } }, 'result: the mock');
  assertEqual(await stage('afterResultSelector'), { inStock: false }, 'after ResultSelector');
  assertEqual(await stage('afterResultPath'), { orderId: 'o-9', amount: 5, stock: { inStock: false } }, 'after ResultPath');
  assertEqual(JSON.parse(await page.locator(`${tid('ts-output')} pre`).innerText()).stock, { inStock: false }, 'output');
  assertEqual(JSON.parse(await page.locator(tid('ts-mock-result')).inputValue()), { Payload: { inStock: false } }, 'the edited result stays after the run');
  await screenshot('2-tested-with-a-result');

  // A mocked error (it takes the place of the result) the state's Retry takes.
  await page.fill(tid('ts-mock-error'), 'Lambda.ServiceException');
  await page.fill(tid('ts-mock-cause'), 'throttled');
  await page.click(tid('ts-run'));
  await page.locator(`${tid('ts-status')}:text("RETRIABLE")`).waitFor();
  const retried = await page.locator(tid('ts-error')).innerText();
  assert(retried.includes('Lambda.ServiceException') && retried.includes('throttled'), `error shown: ${retried}`);
  assert(retried.includes('Retrier #0') && retried.includes('2 s'), `which retrier and its back-off: ${retried}`);
  assertEqual(await page.locator(tid('ts-next-state')).count(), 0, 'no next state while retrying');

  // One nothing handles.
  await page.fill(tid('ts-mock-error'), 'Boom');
  await page.click(tid('ts-run'));
  await page.locator(`${tid('ts-status')}:text("FAILED")`).waitFor();
  assert((await page.locator(tid('ts-error')).innerText()).includes('Boom'), 'the failure names the error');
  assertEqual(await page.locator(tid('ts-output')).count(), 0, 'no output when the state fails');
  await screenshot('3-tested-with-errors');

  // Broken JSON in the input: a clear message, no answer.
  await page.fill(tid('ts-input'), '{"orderId": ');
  await page.click(tid('ts-run'));
  const failure = await page.locator(tid('ts-failure')).innerText();
  assert(failure.startsWith('InvalidExecutionInput'), `bad input explained: ${failure}`);

  // The Choice: no mock to give, a different input picks the Default.
  await page.click(tid('state-In stock?'));
  assertEqual(await page.locator(tid('inspector-state')).innerText(), 'In stock?', 'Choice selected');
  assertEqual(await page.locator(tid('test-state')).count(), 0, 'the test closes when the state changes');
  await page.click(tid('test-state-toggle'));
  assertEqual(await page.locator(tid('ts-mock-result')).count(), 0, 'no mock for a Choice');
  assertEqual(await page.locator(tid('ts-context')).count(), 0, 'nor a context (AWS takes one only with a mock)');
  await page.fill(tid('ts-input'), '{"stock": {"inStock": false}}');
  await page.click(tid('ts-run'));
  assertEqual(await page.locator(tid('ts-status')).innerText(), 'SUCCEEDED', 'Choice status');
  assertEqual(await page.locator(tid('ts-next-state')).innerText(), 'Sold out', 'Choice picks the Default');
  await screenshot('4-tested-choice');

  // Testing changed nothing in the execution.
  assertEqual(await page.locator(tid('exec-Orders')).getAttribute('data-status'), statusBefore, 'execution status unchanged');
  assertEqual(await page.locator(tid('exec-Orders')).count(), 1, 'no execution was added');
  assertEqual(await charge.getAttribute('data-status'), 'Waiting for callback', 'Charge card still waits');

  // A Map: it computes its items, the mocked result stands for what its iterations returned.
  await openExample(page, 'map-fanout', 'FanOut');
  await page.click(tid('start'));
  await runToEnd(page, 'FanOut', 'SUCCEEDED', { timeout: 50_000 });
  await page.click(tid('exec-FanOut'));
  // The Map's box holds its processor's states: click its heading, not its middle.
  await page.click(tid('state-Fan out'), { position: { x: 30, y: 8 } });
  await page.click(tid('test-state-toggle'));
  const recorded = JSON.parse(await page.locator(tid('ts-mock-result')).inputValue());
  assertEqual(recorded.length, 50, 'the Map\'s mocked result is prefilled with the run\'s 50 results');
  await page.fill(tid('ts-input'), '{"items": [{"id": 1, "group": "a"}, {"id": 2, "group": "b"}]}');
  await page.fill(tid('ts-mock-result'), '[{"id": 1, "group": "a"}, {"id": 2, "group": "b"}]');
  await page.click(tid('ts-run'));
  await page.locator(tid('ts-answer')).waitFor();
  assertEqual(await page.locator(tid('ts-status')).innerText(), 'SUCCEEDED', 'Map status');
  assertEqual(await page.locator(tid('ts-next-state')).innerText(), 'Summarize', 'Map next state');
  const items = JSON.parse(await page.locator(`${tid('ts-after-items-path')} pre`).innerText());
  assertEqual(items, [{ id: 1, group: 'a' }, { id: 2, group: 'b' }], 'after ItemsPath: the items');
  assert((await page.locator(tid('ts-map-limits')).innerText()).includes('MaxConcurrency 10'), 'the Map\'s limit is shown');
  assertEqual(await stage('result'), [{ id: 1, group: 'a' }, { id: 2, group: 'b' }], 'result: the mock');
  assertEqual(JSON.parse(await page.locator(`${tid('ts-output')} pre`).innerText()).results.length, 2, 'output: results placed by ResultPath');
  await screenshot('5-tested-map');
  await page.fill(tid('ts-mock-result'), '{"id": 1}');
  await page.click(tid('ts-run'));
  assertEqual(await page.locator(tid('ts-failure')).innerText(), 'ValidationException: Mocked result must be an array.', 'AWS refuses a Map result that is no array');

  // A state nested in the Map's processor: the whole machine goes with the state's name.
  await page.click(tid('state-Process item'));
  await page.click(tid('test-state-toggle'));
  await page.fill(tid('ts-input'), '{"id": 7, "group": "g"}');
  await page.fill(tid('ts-mock-result'), '{"Output": {"id": 7, "group": "g"}}');
  // Only the Output of DescribeExecution is given: PRESENT checks it without the required fields.
  await page.selectOption(tid('ts-field-validation'), 'PRESENT');
  await page.click(tid('ts-run'));
  await page.locator(tid('ts-answer')).waitFor();
  assertEqual(await page.locator(tid('ts-status')).innerText(), 'SUCCEEDED', 'nested Task');
  assertEqual((await stage('afterParameters')).Input.item, { id: 7, group: 'g' }, 'its Parameters');
  assertEqual(await stage('afterResultSelector'), { id: 7, group: 'g' }, 'its ResultSelector');
  await screenshot('6-tested-nested');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
