// A small state machine run through the JS API, shared by every way the package is loaded
// (Node ESM, an esbuild bundle, each wasm-pack target): a Pass with an intrinsic, a task that waits
// for its token, a Choice, and a Map; then a JSONata one (evaluated by the package's second wasm
// module where it has one) and a JSONata syntax error; the caller prints `package ok <label>` or
// throws.

const definition = {
  StartAt: 'Greet',
  States: {
    Greet: {
      Type: 'Pass',
      Parameters: { 'greeting.$': "States.Format('Hello, {}!', $.who)", 'items.$': '$.items' },
      Next: 'Approve',
    },
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals',
        MessageBody: { 'token.$': '$$.Task.Token', 'greeting.$': '$.greeting' },
      },
      ResultPath: '$.answer',
      Next: 'Approved?',
    },
    'Approved?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.answer.approved', BooleanEquals: true, Next: 'Double' }],
      Default: 'Rejected',
    },
    Double: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Times two',
        States: {
          'Times two': { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($, $)' }, End: true },
        },
      },
      ResultSelector: { 'doubled.$': '$[*].n' },
      End: true,
    },
    Rejected: { Type: 'Fail', Error: 'Rejected' },
  },
};

const jsonataDefinition = {
  QueryLanguage: 'JSONata',
  StartAt: 'Shape',
  States: {
    Shape: {
      Type: 'Pass',
      Output: {
        sum: '{% $sum($states.input.items) %}',
        pairs: '{% $partition($states.input.items, 2) %}',
        uuidLength: '{% $length($uuid()) %}',
      },
      End: true,
    },
  },
};

function runJsonata(sw) {
  const { stateMachineArn } = sw.createStateMachine({ name: 'PackagedJsonata', definition: jsonataDefinition });
  const { executionArn } = sw.startExecution({ stateMachineArn, input: { items: [1, 2, 20] } });
  sw.runUntilIdle();
  const { output } = sw.describeExecution({ executionArn });
  let invalid = null;
  try {
    const bad = structuredClone(jsonataDefinition);
    bad.States.Shape.Output = '{% 1 + %}';
    sw.createStateMachine({ name: 'BadJsonata', definition: bad });
  } catch (e) {
    invalid = `${e.name}: ${e.diagnostics?.map((d) => d.code).join(',')}`;
  }
  return { jsonata: JSON.parse(output), invalid };
}

export function runScenario(Stepwise) {
  const sw = new Stepwise({ seed: 3 });
  const { stateMachineArn } = sw.createStateMachine({ name: 'Packaged', definition });
  const { executionArn } = sw.startExecution({ stateMachineArn, input: { who: 'npm', items: [1, 2, 20] } });
  const firstIdle = sw.runUntilIdle().idle;
  const tasks = sw.listPendingTasks().tasks;
  if (tasks.length !== 1) throw new Error(`expected one pending task, got ${tasks.length}`);
  const message = JSON.parse(tasks[0].input).MessageBody;
  sw.sendTaskSuccess({ taskToken: tasks[0].taskToken, output: { approved: true } });
  const lastIdle = sw.runUntilIdle().idle;
  const { status, output } = sw.describeExecution({ executionArn });
  let stale = null;
  try {
    sw.sendTaskSuccess({ taskToken: tasks[0].taskToken, output: '{}' });
  } catch (e) {
    stale = e.name;
  }
  return { firstIdle, greeting: message.greeting, lastIdle, status, output: JSON.parse(output), stale, ...runJsonata(sw) };
}

const expected = {
  firstIdle: 'WaitingForOutside',
  greeting: 'Hello, npm!',
  lastIdle: 'Finished',
  status: 'SUCCEEDED',
  output: { doubled: [2, 4, 40] },
  stale: 'TaskDoesNotExist',
  jsonata: { sum: 23, pairs: [[1, 2], [20]], uuidLength: 36 },
  invalid: 'InvalidDefinition: INVALID_JSONATA_EXPRESSION',
};

export function check(Stepwise, label) {
  const got = runScenario(Stepwise);
  const [a, e] = [JSON.stringify(got), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${label}: expected ${e}, got ${a}`);
  console.log(`package ok ${label}`);
}
