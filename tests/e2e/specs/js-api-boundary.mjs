// The built JS API package (dist/pkg/), in Chromium and in Node, attacked as a docs page could attack it:
// circular, deep and throwing values for every call that takes JSON, a getter that calls back
// into the engine it is read by, thousands of refused calls in a row, and a real trap of the
// WebAssembly instance. Refusals are Errors with AWS's names; afterwards the attacked engine and a
// new one both work. After the trap, the call throws InternalError and every engine is rebuilt as
// it was (one whose calls could not be recorded says it is gone), and new engines work.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '../../../dist/pkg');

export default async function jsApiBoundary(page, baseUrl, { assert, assertEqual, problems }) {
  // A document of the site with no script of its own: nothing else uses the module. (It has no
  // icon: the browser's request for one is answered here instead of logging a 404.)
  await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  const response = await page.goto(`${baseUrl}/pkg/package.json`);
  assert(response && response.ok(), `GET /pkg/package.json answered ${response && response.status()}`);

  const inPage = await page.evaluate(async (source) => {
    const api = await import('./stepwise_wasm.js');
    await api.default();
    // The attack is this spec's own function, sent as source: a page script cannot share it.
    return (0, eval)(`(${source})`)(api);
  }, attack.toString());
  check(inPage, 'Chromium', { assert, assertEqual });

  // The same package in Node, loaded as a Node program would load it.
  const api = await import(pathToFileURL(join(pkg, 'stepwise_wasm.js')).href);
  api.initSync({ module: await readFile(join(pkg, 'stepwise_wasm_bg.wasm')) });
  check(await attack(api), 'Node', { assert, assertEqual });
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}

/** What both runs must have seen. */
function check(report, where, { assert, assertEqual }) {
  const expected = {
    validate: 'FAIL',
    create: 'InvalidDefinition',
    start: 'InvalidExecutionInput',
    success: 'InvalidOutput',
    mocks: 'ValidationException',
  };
  // Values JSON.stringify cannot encode are refused before validation; deep ones that it can are
  // for the validator to judge (and it fails them).
  const unencodable = { ...expected, validate: 'ValidationException' };
  assertEqual(report.names.cycle, unencodable, `${where}: a circular value`);
  assertEqual(report.names.deep2300, expected, `${where}: a value 2,300 levels deep`);
  // 100,000 levels: whether JSON.stringify gets through depends on the JS engine's stack (Node's
  // throws a RangeError, Chromium's page encodes it and the validator fails it).
  const deep = report.names.deep100k;
  assert(['FAIL', 'ValidationException'].includes(deep.validate), `${where}: validate gave ${deep.validate}`);
  assertEqual({ ...deep, validate: 'FAIL' }, expected, `${where}: a value 100,000 levels deep`);
  assertEqual(report.names.getter, unencodable, `${where}: a throwing getter`);
  assertEqual(report.names.proxy, unencodable, `${where}: a Proxy whose trap throws`);
  assertEqual(report.reentrant, 'ValidationException', `${where}: a getter calling back into its engine`);
  assertEqual(report.refusals, 6020, `${where}: refusals in a row`);
  assertEqual(
    report.afterAttacks,
    { task: '{"approved":true}', old: 'SUCCEEDED {"ok":1}', fresh: 'SUCCEEDED {"ok":2}' },
    `${where}: after the attacks`,
  );
  assert(report.trap, `${where}: the trap was not reported`);
  assertEqual([report.trap.name, report.trap.cause], ['InternalError', 'RuntimeError'], `${where}: the trap`);
  assert(report.trap.message.includes('rebuilt'), `the trap's message: ${report.trap.message}`);
  assertEqual(
    report.afterTrap,
    {
      rebuilt: true,
      old: 'SUCCEEDED {"ok":3}',
      oldExecution: '{"approved":true}',
      other: [true],
      otherCompletes: '{"done":1}',
      stepped: true,
      stepper: 0,
      unrecorded: 'InternalError',
      fresh: 'SUCCEEDED {"ok":4}',
      validate: 'OK',
      afterFree: 'SUCCEEDED {"ok":5}',
      moved: true,
    },
    `${where}: after the trap`,
  );
}

/** The attack, given the package's module (initialised); returns what each call did. */
async function attack(api) {
  const { Stepwise, validateStateMachineDefinition } = api;
  const pass = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
  const approval = {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', 'MessageBody.$': '$$.Task.Token' },
        End: true,
      },
    },
  };
  let made = 0;
  const works = (sw) => {
    const { stateMachineArn } = sw.createStateMachine({ name: `Works${made++}`, definition: pass });
    const { executionArn } = sw.startExecution({ stateMachineArn, input: { ok: made } });
    sw.runUntilIdle();
    const d = sw.describeExecution({ executionArn });
    return `${d.status} ${d.output}`;
  };
  const nameOf = (call) => {
    try {
      call();
      return 'no error';
    } catch (e) {
      return e instanceof Error ? `${e.name}` : `non-Error ${String(e)}`;
    }
  };

  const hostile = {
    cycle: () => {
      const o = { a: [1] };
      o.a.push(o);
      return o;
    },
    deep2300: () => {
      let v = {};
      for (let i = 0; i < 2300; i++) v = { a: v };
      return v;
    },
    deep100k: () => {
      let v = [];
      for (let i = 0; i < 100000; i++) v = [v];
      return v;
    },
    getter: () => ({ get x() { throw new Error('no'); } }),
    proxy: () => new Proxy({}, { ownKeys() { throw new Error('no keys'); } }),
  };

  const sw = new Stepwise();
  const { stateMachineArn } = sw.createStateMachine({ name: 'Approval', definition: approval });
  const { executionArn } = sw.startExecution({ stateMachineArn });
  sw.runUntilIdle();
  const [task] = sw.listPendingTasks().tasks;

  const names = {};
  for (const [kind, make] of Object.entries(hostile)) {
    names[kind] = {
      validate: nameOf(() => {
        const r = validateStateMachineDefinition({ definition: make() });
        if (r.result !== 'FAIL') throw new Error(`validate said ${r.result}`);
        throw Object.assign(new Error('FAIL'), { name: 'FAIL' });
      }),
      create: nameOf(() => sw.createStateMachine({ name: 'Hostile', definition: make() })),
      start: nameOf(() => sw.startExecution({ stateMachineArn, input: make() })),
      success: nameOf(() => sw.sendTaskSuccess({ taskToken: task.taskToken, output: make() })),
      mocks: nameOf(() => sw.setMockConfig(make())),
    };
  }

  // A getter that calls back into the engine reading it.
  const reentrant = nameOf(() =>
    sw.startExecution({
      get stateMachineArn() {
        return sw.now();
      },
    }),
  );

  // Thousands of refusals in a row: none may leak the module's stack or memory. (Fewer cycles:
  // Chromium takes some 45 ms to describe each one, in plain JS too.)
  let refusals = 0;
  const refuse = (make) => {
    if (nameOf(() => sw.startExecution({ stateMachineArn, input: make() })) === 'InvalidExecutionInput') refusals++;
  };
  for (let i = 0; i < 3000; i++) [hostile.getter, hostile.proxy].forEach(refuse);
  for (let i = 0; i < 20; i++) refuse(hostile.cycle);

  // The task still completes, and the attacked engine and a new one work.
  sw.sendTaskSuccess({ taskToken: task.taskToken, output: { approved: true } });
  sw.runUntilIdle();
  const afterAttacks = {
    task: sw.describeExecution({ executionArn }).output,
    old: works(sw),
    fresh: works(new Stepwise()),
  };

  // Before the trap: another engine with a task waiting, and one whose calls cannot all be
  // recorded (an extra field the call never reads, but JSON.stringify cannot encode).
  const other = new Stepwise({ seed: 7n });
  const otherMachine = other.createStateMachine({ name: 'Approval', definition: approval }).stateMachineArn;
  const otherExecution = other.startExecution({ stateMachineArn: otherMachine, input: { n: 1 } }).executionArn;
  other.runUntilIdle();
  const otherToken = other.listPendingTasks().tasks[0].taskToken;
  // An engine stepped thousands of times in a loop.
  const stepper = new Stepwise();
  const loop = {
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Next: 'B' },
      B: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'A' },
      Done: { Type: 'Succeed' },
    },
  };
  const looping = stepper.startExecution({
    stateMachineArn: stepper.createStateMachine({ name: 'Loop', definition: loop }).stateMachineArn,
  }).executionArn;
  for (let i = 0; i < 3000; i++) stepper.step();
  const stepped = stepper.getExecutionHistory({ executionArn: looping }).events.length;
  const unrecorded = new Stepwise();
  const cyclic = {};
  cyclic.self = cyclic;
  unrecorded.createStateMachine({ name: 'P', definition: pass, tags: cyclic });

  // A real trap: the engine's pointer is moved outside the module's memory (as a corrupted heap
  // would leave it), so the next call reads out of bounds.
  const trueAddress = sw.__wbg_ptr;
  sw.__wbg_ptr = 0xfffffff0;
  let trap;
  try {
    sw.now();
  } catch (e) {
    trap = { name: e.name, message: e.message, cause: e.cause && e.cause.constructor.name };
  }
  const rebuilt = sw.__wbg_ptr !== 0xfffffff0 && sw.__wbg_ptr !== 0;
  const afterTrap = {
    rebuilt,
    // Every engine is as it was: the attacked one, with its executions, and the other one, whose
    // task still waits for the same token and completes.
    old: works(sw),
    oldExecution: sw.describeExecution({ executionArn }).output,
    other: other.listPendingTasks().tasks.map((t) => t.taskToken === otherToken),
    otherCompletes: (() => {
      other.sendTaskSuccess({ taskToken: otherToken, output: { done: 1 } });
      other.runUntilIdle();
      return other.describeExecution({ executionArn: otherExecution }).output;
    })(),
    stepped: stepped >= 3000,
    stepper: stepper.getExecutionHistory({ executionArn: looping }).events.length - stepped,
    unrecorded: nameOf(() => unrecorded.now()),
    fresh: works(new Stepwise()),
    validate: validateStateMachineDefinition({ definition: pass }).result,
  };
  // Freeing a lost engine touches nothing of the new instance.
  unrecorded.free();
  afterTrap.afterFree = works(new Stepwise());
  afterTrap.moved = trueAddress !== undefined;
  return { names, reentrant, refusals, afterAttacks, trap, afterTrap };
}
