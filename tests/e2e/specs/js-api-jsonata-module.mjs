// The JS API's JSONata runs in its second wasm module (dist/pkg/stepwise_jsonata_bg.wasm), loaded
// by `init()` beside the main one: a JSONata definition that uses what Step Functions adds
// ($partition, $hash, seeded and unseeded $random, $uuid, the virtual clock), validation's syntax
// check, and a Map whose items are evaluated there give in Chromium what the native engine gives
// (the expected figures are the CLI's, with the same seed). Without the module (`initSync` given
// only the main one), a JSONata definition is refused (JSONATA_NOT_LOADED), never run unchecked.

const definition = {
  QueryLanguage: 'JSONata',
  StartAt: 'Shape',
  States: {
    Shape: {
      Type: 'Pass',
      Assign: { base: '{% $states.input.base %}' },
      Output: {
        pairs: '{% $partition($states.input.items, 2) %}',
        md5: "{% $hash('hello', 'MD5') %}",
        seeded: '{% $random(42) %}',
        draws: '{% [$random(), $random()] %}',
        uuid: '{% $uuid() %}',
        now: '{% $now() %}',
        items: '{% $states.input.items %}',
      },
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      Items: '{% $states.input.items %}',
      ItemProcessor: {
        StartAt: 'Scale',
        States: { Scale: { Type: 'Pass', Output: '{% $states.input * $base %}', End: true } },
      },
      Output: { shaped: '{% $states.input %}', scaled: '{% $states.result %}' },
      End: true,
    },
  },
};

const PAGE_SCRIPT = `
import init, { Stepwise, validateStateMachineDefinition } from './pkg/stepwise_wasm.js';
await init();
const sw = new Stepwise({ seed: 11 });
const definition = ${JSON.stringify(definition)};
const { stateMachineArn } = sw.createStateMachine({ name: 'Jsonata', definition });
const { executionArn } = sw.startExecution({ stateMachineArn, input: { items: [1, 2, 3], base: 10 } });
sw.runUntilIdle();
const { status, output } = sw.describeExecution({ executionArn });
const bad = structuredClone(definition);
bad.States.Shape.Output = '{% $states.input.( %}';
const verdict = validateStateMachineDefinition({ definition: bad });
window.__jsonata = { status, output: JSON.parse(output), verdict: verdict.result, codes: verdict.diagnostics.map((d) => d.code) };
`;

const WITHOUT_MODULE = `
import { initSync, Stepwise } from './pkg/stepwise_wasm.js';
const bytes = await (await fetch('./pkg/stepwise_wasm_bg.wasm')).arrayBuffer();
initSync({ module: bytes });
const sw = new Stepwise();
const plain = sw.createStateMachine({ name: 'Plain', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } });
let failure = null;
try {
  sw.createStateMachine({ name: 'J', definition: ${JSON.stringify(definition)} });
} catch (e) {
  failure = { name: e.name, codes: [...new Set((e.diagnostics || []).map((d) => d.code))] };
}
const after = sw.listStateMachines().stateMachines.map((m) => m.name);
window.__without = { plain: typeof plain.stateMachineArn, failure, after };
`;

export default async function jsApiJsonataModule(page, baseUrl, { assert, assertEqual, problems }) {
  const fetched = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  const response = await page.goto(`${baseUrl}/embed.html`);
  assert(response && response.ok(), `GET /embed.html answered ${response && response.status()}`);
  await page.addScriptTag({ type: 'module', content: PAGE_SCRIPT });
  await page.waitForFunction(() => window.__jsonata !== undefined, null, { timeout: 30_000 });
  const got = await page.evaluate(() => window.__jsonata);
  assert(
    fetched.includes('/pkg/stepwise_jsonata_bg.wasm'),
    `init() did not load the JSONata module; fetched ${fetched.join(', ')}`,
  );
  assertEqual(got.status, 'SUCCEEDED', 'status');
  assertEqual(
    got.output,
    {
      shaped: {
        pairs: [[1, 2], [3]],
        md5: '5d41402abc4b2a76b9719d911017c592',
        seeded: 0.7275636800328681,
        draws: EXPECTED_DRAWS,
        uuid: EXPECTED_UUID,
        now: EXPECTED_NOW,
        items: [1, 2, 3],
      },
      scaled: [10, 20, 30],
    },
    'output (the CLI gives the same for seed 11)',
  );
  assertEqual([got.verdict, got.codes], ['FAIL', ['INVALID_JSONATA_EXPRESSION']], 'syntax check');

  const second = await page.context().newPage();
  const secondProblems = [];
  second.on('pageerror', (e) => secondProblems.push(String(e)));
  await second.goto(`${baseUrl}/embed.html`);
  await second.addScriptTag({ type: 'module', content: WITHOUT_MODULE });
  await second.waitForFunction(() => window.__without !== undefined, null, { timeout: 30_000 });
  const without = await second.evaluate(() => window.__without);
  assertEqual(without.plain, 'string', 'a definition without JSONata works without the module');
  assertEqual(
    without.failure,
    { name: 'InvalidDefinition', codes: ['JSONATA_NOT_LOADED'] },
    'a JSONata definition without the module is refused, saying why',
  );
  assertEqual(without.after, ['Plain'], 'the engine carries on');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}

// What the native engine (evaluator linked in) answers with seed 11: `stepwise calls --seed 11`
// over CreateStateMachine, StartExecution, RunUntilIdle and DescribeExecution of this definition.
const EXPECTED_DRAWS = [0.6380423420183485, 0.5046140312107866];
const EXPECTED_UUID = '2a4a0f1a-7504-4d4b-89e1-7ab019bb5120';
const EXPECTED_NOW = '2025-01-01T00:00:00.000Z';
