// What the editor knows about Amazon States Language: which fields belong where, what a field
// means (hover help), and which values a field takes (autocompletion). Everything here reads the
// JSON syntax tree of @codemirror/lang-json, which stays usable while the text is half typed.
//
// The field lists follow the ASL specification and AWS's state reference; the service
// integrations listed are those Stepwise treats specially (crates/engine/src/resources.rs runs
// `states:startExecution` itself, crates/export/src/policy.rs derives permissions for the
// others); any other `arn:aws:states:::service:action` still runs, answered by mocks or by hand.
// tests/tests/editor_integrations.rs checks each ARN below against the Rust parser.

import { syntaxTree } from '@codemirror/language';

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const IO = ['InputPath', 'OutputPath'];
const RESULT = ['ResultPath', 'ResultSelector'];
const ERRORS = ['Retry', 'Catch'];
const VARS = ['Assign', 'Output'];

/** Fields of each state type, in the order the console's templates write them. */
export const STATE_FIELDS = {
  Pass: [...COMMON, ...FLOW, ...IO, 'Parameters', 'Result', 'ResultPath', ...VARS],
  Task: [...COMMON, 'Resource', ...FLOW, 'Parameters', 'Arguments', ...IO, ...RESULT, ...ERRORS,
    'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Credentials', ...VARS],
  Choice: [...COMMON, 'Choices', 'Default', ...IO, ...VARS],
  Wait: [...COMMON, ...FLOW, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', ...IO, ...VARS],
  Succeed: [...COMMON, ...IO, 'Output'],
  Fail: [...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath'],
  Parallel: [...COMMON, 'Branches', ...FLOW, 'Parameters', 'Arguments', ...IO, ...RESULT, ...ERRORS, ...VARS],
  Map: [...COMMON, 'ItemProcessor', 'Iterator', ...FLOW, 'ItemsPath', 'Items', 'ItemSelector', 'Parameters',
    'ItemReader', 'ItemBatcher', 'ResultWriter', 'MaxConcurrency', 'MaxConcurrencyPath',
    'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'ToleratedFailureCount',
    'ToleratedFailureCountPath', 'Label', ...IO, ...RESULT, ...ERRORS, ...VARS],
};
const ANY_STATE = [...new Set(Object.values(STATE_FIELDS).flat())];

const COMPARISONS = ['StringEquals', 'StringLessThan', 'StringGreaterThan', 'StringLessThanEquals',
  'StringGreaterThanEquals', 'NumericEquals', 'NumericLessThan', 'NumericGreaterThan',
  'NumericLessThanEquals', 'NumericGreaterThanEquals', 'BooleanEquals', 'TimestampEquals',
  'TimestampLessThan', 'TimestampGreaterThan', 'TimestampLessThanEquals', 'TimestampGreaterThanEquals'];
const CHOICE_RULE = ['Variable', ...COMPARISONS, ...COMPARISONS.map((c) => `${c}Path`), 'StringMatches',
  'IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp', 'And', 'Or', 'Not', 'Condition'];

/** Fields of the objects that are not states, by what they are. */
export const FIELDS = {
  machine: ['Comment', 'StartAt', 'States', 'TimeoutSeconds', 'Version', 'QueryLanguage'],
  branch: ['Comment', 'StartAt', 'States'],
  processor: ['Comment', 'ProcessorConfig', 'StartAt', 'States'],
  processorConfig: ['Mode', 'ExecutionType'],
  retrier: ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'],
  catcher: ['ErrorEquals', 'Next', 'ResultPath', 'Assign', 'Output', 'Comment'],
  choice: ['Next', 'Comment', 'Assign', 'Output', ...CHOICE_RULE],
  rule: CHOICE_RULE,
};

// A JSONata state has no paths or payload templates; a JSONPath state has no Arguments/Output.
const JSONPATH_ONLY = new Set(['InputPath', 'OutputPath', 'Parameters', 'ResultPath', 'ResultSelector',
  'ItemsPath', 'ItemSelector', 'SecondsPath', 'TimestampPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath',
  'ErrorPath', 'CausePath', 'MaxConcurrencyPath', 'ToleratedFailurePercentagePath', 'ToleratedFailureCountPath',
  'Result', 'Iterator', 'Variable', ...COMPARISONS, ...COMPARISONS.map((c) => `${c}Path`), 'StringMatches',
  'IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp', 'And', 'Or', 'Not']);
const JSONATA_ONLY = new Set(['Arguments', 'Output', 'Items', 'Condition']);

export const STATE_TYPES = {
  Pass: 'Passes its input to its output, optionally shaped or replaced; does no work.',
  Task: 'Calls a Resource (a service integration, a Lambda function, an activity) and waits for its result.',
  Choice: 'Picks the next state from the first matching rule of Choices, else Default.',
  Wait: 'Pauses for Seconds or until a Timestamp (on the virtual clock here).',
  Succeed: 'Ends this execution, branch or iteration successfully.',
  Fail: 'Ends this execution, branch or iteration with an Error and a Cause.',
  Parallel: 'Runs every branch of Branches at once; its result is the array of their outputs.',
  Map: 'Runs ItemProcessor once per item of an array; its result is the array of their outputs.',
};

/** The service integrations Stepwise treats specially, with their waiting patterns. */
export const INTEGRATIONS = [
  ['arn:aws:states:::lambda:invoke', 'Invoke a Lambda function (Payload in, Payload out)'],
  ['arn:aws:states:::lambda:invoke.waitForTaskToken', 'Invoke a Lambda function and wait for its task token'],
  ['arn:aws:states:::states:startExecution', 'Start a child execution and go on at once'],
  ['arn:aws:states:::states:startExecution.sync', 'Start a child execution and wait for it (output as a string)'],
  ['arn:aws:states:::states:startExecution.sync:2', 'Start a child execution and wait for it (output as JSON)'],
  ['arn:aws:states:::states:startExecution.waitForTaskToken', 'Start a child execution and wait for its task token'],
  ['arn:aws:states:::sqs:sendMessage', 'Send a message to an SQS queue'],
  ['arn:aws:states:::sqs:sendMessage.waitForTaskToken', 'Send a message to an SQS queue and wait for its task token'],
  ['arn:aws:states:::sns:publish', 'Publish to an SNS topic'],
  ['arn:aws:states:::sns:publish.waitForTaskToken', 'Publish to an SNS topic and wait for its task token'],
  ['arn:aws:states:::dynamodb:getItem', 'Read a DynamoDB item'],
  ['arn:aws:states:::dynamodb:putItem', 'Write a DynamoDB item'],
  ['arn:aws:states:::dynamodb:updateItem', 'Update a DynamoDB item'],
  ['arn:aws:states:::dynamodb:deleteItem', 'Delete a DynamoDB item'],
  ['arn:aws:states:::aws-sdk:s3:getObject', 'Any AWS SDK call: arn:aws:states:::aws-sdk:SERVICE:ACTION'],
  ['arn:aws:states:::aws-sdk:s3:listObjectsV2', 'Any AWS SDK call: arn:aws:states:::aws-sdk:SERVICE:ACTION'],
];

const ERROR_NAMES = ['States.ALL', 'States.TaskFailed', 'States.Timeout', 'States.HeartbeatTimeout',
  'States.Permissions', 'States.ResultPathMatchFailure', 'States.ParameterPathFailure',
  'States.QueryEvaluationError', 'States.BranchFailed', 'States.NoChoiceMatched', 'States.IntrinsicFailure',
  'States.ExceedToleratedFailureThreshold', 'States.ItemReaderFailed', 'States.ResultWriterFailed',
  'States.DataLimitExceeded', 'States.Runtime'];

/** Values a field takes, when they are a fixed few. */
const ENUMS = {
  Type: Object.keys(STATE_TYPES),
  QueryLanguage: ['JSONPath', 'JSONata'],
  Mode: ['INLINE', 'DISTRIBUTED'],
  ExecutionType: ['STANDARD', 'EXPRESS'],
  JitterStrategy: ['FULL', 'NONE'],
};

/** Hover help, one short paragraph per field. */
export const FIELD_DOCS = {
  Comment: 'A note for people; ignored when the machine runs.',
  StartAt: 'The name of the first state to run. It must be one of the keys of States.',
  States: 'The states of this machine (or branch, or item processor), keyed by their names.',
  TimeoutSeconds: 'The longest this runs (a whole execution, or a Task) before failing with States.Timeout.',
  TimeoutSecondsPath: 'Like TimeoutSeconds, read from the state input with a reference path.',
  Version: 'The ASL version; "1.0" is the only one.',
  QueryLanguage: 'JSONPath (the default) or JSONata: how this machine or state reads and shapes data.',
  Type: 'What the state does: Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map.',
  Next: 'The name of the state to run after this one. A state has either Next or End.',
  End: 'true ends the execution (or branch, or iteration) after this state.',
  Resource: 'What a Task calls: a service integration such as arn:aws:states:::lambda:invoke, a Lambda function ARN or an activity ARN.',
  Parameters: 'JSONPath: the payload template sent to the resource (keys ending in .$ take a path or intrinsic).',
  Arguments: 'JSONata: the value sent to the resource; strings in {% %} are JSONata expressions.',
  InputPath: 'JSONPath: the part of the state input the state works on ($ by default, null for {}).',
  OutputPath: 'JSONPath: the part of the result passed on as output ($ by default, null for {}).',
  ResultPath: 'JSONPath: where the result is put in the state input ($ replaces it, null discards the result).',
  ResultSelector: 'JSONPath: a payload template applied to the raw result before ResultPath.',
  Result: 'Pass: a fixed value used as the state\'s result.',
  Assign: 'Variables to set when the state ends, readable later as $name.',
  Output: 'JSONata: the state\'s output ({% %} expressions see $states.input and $states.result).',
  Retry: 'Retriers, tried in order: the first whose ErrorEquals matches the error retries the state.',
  Catch: 'Catchers, tried after Retry is exhausted: the first that matches goes to its Next.',
  HeartbeatSeconds: 'The longest a Task may go without a heartbeat (SendTaskHeartbeat) before States.HeartbeatTimeout.',
  HeartbeatSecondsPath: 'Like HeartbeatSeconds, read from the state input with a reference path.',
  Credentials: 'A role for the Task to assume (RoleArn or RoleArn.$).',
  Choices: 'Choice rules, evaluated in order; the first that matches names the Next state.',
  Default: 'Choice: the state to run when no rule matches (else the run fails with States.NoChoiceMatched).',
  Seconds: 'Wait: how long to wait, in seconds.',
  SecondsPath: 'Wait: how long to wait, read from the input with a reference path.',
  Timestamp: 'Wait: until when to wait (an RFC 3339 time, such as 2026-01-01T00:00:00Z).',
  TimestampPath: 'Wait: until when to wait, read from the input with a reference path.',
  Error: 'Fail: the error name the execution fails with.',
  ErrorPath: 'Fail: the error name, read from the input with a reference path.',
  Cause: 'Fail: a human-readable cause.',
  CausePath: 'Fail: the cause, read from the input with a reference path.',
  Branches: 'Parallel: the branches to run, each with its own StartAt and States.',
  ItemProcessor: 'Map: the machine run for each item (ProcessorConfig, StartAt, States).',
  Iterator: 'Map: the older name of ItemProcessor.',
  ProcessorConfig: 'Map: Mode INLINE (default) or DISTRIBUTED, and ExecutionType for distributed maps.',
  Mode: 'INLINE runs iterations inside this execution; DISTRIBUTED runs them as child executions.',
  ExecutionType: 'Distributed Map: STANDARD or EXPRESS child executions.',
  ItemsPath: 'Map: the array to iterate, read from the input with a reference path ($ by default).',
  Items: 'Map (JSONata): the array to iterate, or an expression giving it.',
  ItemSelector: 'Map: a payload template giving each iteration\'s input ($$.Map.Item.Value is the item).',
  ItemReader: 'Distributed Map: where to read the items (an S3 object or listing).',
  ItemBatcher: 'Distributed Map: groups items into batches.',
  ResultWriter: 'Distributed Map: where to write the results (S3).',
  MaxConcurrency: 'Map: how many iterations may run at once (0: no limit).',
  MaxConcurrencyPath: 'Map: MaxConcurrency read from the input with a reference path.',
  ToleratedFailurePercentage: 'Distributed Map: the share of failed items tolerated before the Map fails.',
  ToleratedFailurePercentagePath: 'ToleratedFailurePercentage read from the input with a reference path.',
  ToleratedFailureCount: 'Distributed Map: how many failed items are tolerated before the Map fails.',
  ToleratedFailureCountPath: 'ToleratedFailureCount read from the input with a reference path.',
  Label: 'Distributed Map: a label for the child executions\' names.',
  ErrorEquals: 'The error names this retrier or catcher matches (States.ALL matches every error and must come last).',
  IntervalSeconds: 'Retry: seconds before the first retry (1 by default).',
  MaxAttempts: 'Retry: how many retries at most (3 by default; 0 never retries).',
  BackoffRate: 'Retry: what each interval is multiplied by for the next retry (2.0 by default).',
  MaxDelaySeconds: 'Retry: the longest interval between two retries.',
  JitterStrategy: 'Retry: FULL randomises each interval, NONE (the default) keeps it.',
  Variable: 'Choice rule (JSONPath): the path of the value to compare.',
  Condition: 'Choice rule (JSONata): an expression in {% %} that must be true.',
  And: 'Choice rule: matches when every rule of the array matches.',
  Or: 'Choice rule: matches when any rule of the array matches.',
  Not: 'Choice rule: matches when the rule inside does not.',
  StringMatches: 'Choice rule: the string matches a pattern where * stands for any text.',
  IsNull: 'Choice rule: true to match null, false to match anything else.',
  IsPresent: 'Choice rule: whether the Variable path exists in the input.',
  IsNumeric: 'Choice rule: whether the value is a number.',
  IsString: 'Choice rule: whether the value is a string.',
  IsBoolean: 'Choice rule: whether the value is a boolean.',
  IsTimestamp: 'Choice rule: whether the value is an RFC 3339 timestamp.',
};
for (const c of COMPARISONS) {
  const [kind, op] = /^(String|Numeric|Boolean|Timestamp)(.*)$/.exec(c).slice(1);
  const what = { Equals: 'equals', LessThan: 'is less than', GreaterThan: 'is greater than',
    LessThanEquals: 'is at most', GreaterThanEquals: 'is at least' }[op];
  FIELD_DOCS[c] = `Choice rule: the ${kind.toLowerCase()} value ${what} the one given.`;
  FIELD_DOCS[`${c}Path`] = `Choice rule: the ${kind.toLowerCase()} value ${what} the one at the given path.`;
}

// ---------------------------------------------------------------------------------------------
// Reading the syntax tree.

const text = (state, node) => state.sliceDoc(node.from, node.to);

/** The string a String or PropertyName node stands for (its quotes off, escapes read). */
function unquote(state, node) {
  const raw = text(state, node);
  try {
    return JSON.parse(raw);
  } catch {
    return raw.replace(/^"|"$/g, '');
  }
}

/** `[name, valueNode]` for each member of an Object node. */
function members(state, object) {
  const out = [];
  for (let p = object.firstChild; p; p = p.nextSibling) {
    if (p.name !== 'Property') continue;
    const name = p.getChild('PropertyName');
    if (!name) continue;
    let value = name.nextSibling;
    while (value && (value.name === ':' || value.name === '⚠')) value = value.nextSibling;
    out.push([unquote(state, name), value]);
  }
  return out;
}

function member(state, object, key) {
  return members(state, object).find(([k]) => k === key)?.[1] ?? null;
}

/** The containers from the root down to `node` (included when it is one), each with the key or
 * index it sits at in its parent. */
function containers(state, node) {
  const chain = [];
  for (let n = node; n; n = n.parent) {
    if (n.name !== 'Object' && n.name !== 'Array') continue;
    const p = n.parent;
    let at = null;
    if (p?.name === 'Property') {
      const name = p.getChild('PropertyName');
      at = name ? unquote(state, name) : null;
    } else if (p?.name === 'Array') {
      at = 0;
      for (let s = n.prevSibling; s; s = s.prevSibling) if (s.name !== '[' && s.name !== ',' && s.name !== '⚠') at++;
    }
    chain.unshift({ node: n, at });
  }
  return chain;
}

/**
 * What each container is, from the root down: `{ kind, node, scope }`, where `kind` is one of
 * machine, branch, processor, processorConfig, states, state, retrier, catcher, choice, rule
 * (or null for free-form data), and `scope` is the States object whose names a `Next` there
 * may take.
 */
function classify(state, chain) {
  const out = [];
  let kind = 'machine';
  let scope = null;
  let states = null;
  chain.forEach(({ node, at }, i) => {
    if (i > 0) {
      const parent = out[i - 1];
      const machineLike = ['machine', 'branch', 'processor'].includes(parent.kind);
      if (machineLike && at === 'States') kind = 'states';
      else if (parent.kind === 'processor' && at === 'ProcessorConfig') kind = 'processorConfig';
      else if (parent.kind === 'states') kind = 'state';
      else if (parent.kind === 'state' && ['Retry', 'Catch', 'Choices', 'Branches'].includes(at)) kind = `list:${at}`;
      else if (parent.kind === 'state' && (at === 'ItemProcessor' || at === 'Iterator')) kind = 'processor';
      else if (parent.kind === 'list:Retry') kind = 'retrier';
      else if (parent.kind === 'list:Catch') kind = 'catcher';
      else if (parent.kind === 'list:Choices') kind = 'choice';
      else if (parent.kind === 'list:Branches') kind = 'branch';
      else if ((parent.kind === 'choice' || parent.kind === 'rule') && (at === 'And' || at === 'Or')) kind = 'list:rules';
      else if ((parent.kind === 'choice' || parent.kind === 'rule') && at === 'Not') kind = 'rule';
      else if (parent.kind === 'list:rules') kind = 'rule';
      else if (parent.kind === 'retrier' || parent.kind === 'catcher') kind = at === 'ErrorEquals' ? 'errors' : null;
      else kind = null;
    }
    if (kind === 'machine' || kind === 'branch' || kind === 'processor') {
      states = node.name === 'Object' ? member(state, node, 'States') : null;
    }
    if (kind === 'state') scope = out[i - 1].node;
    if (node.name !== (kind?.startsWith('list:') || kind === 'errors' ? 'Array' : 'Object') && kind !== null) kind = null;
    out.push({ kind, node, scope: kind === 'machine' || kind === 'branch' || kind === 'processor' ? states : scope });
  });
  return out;
}

/** The query language in force for the object at `level` of `levels` (a state inherits the
 * machine's). */
function languageAt(state, levels, level) {
  for (let i = level; i >= 0; i--) {
    const { node } = levels[i];
    if (node.name !== 'Object') continue;
    const q = member(state, node, 'QueryLanguage');
    if (q?.name === 'String') return unquote(state, q);
  }
  return 'JSONPath';
}

function fieldsFor(state, levels, i) {
  const { kind, node } = levels[i];
  let fields;
  if (kind === 'state') {
    const type = member(state, node, 'Type');
    fields = (type?.name === 'String' && STATE_FIELDS[unquote(state, type)]) || ANY_STATE;
  } else {
    fields = FIELDS[kind];
  }
  if (!fields) return [];
  const language = languageAt(state, levels, i);
  return fields.filter((f) => (language === 'JSONata' ? !JSONPATH_ONLY.has(f) : !JSONATA_ONLY.has(f)));
}

function stateNames(state, statesObject) {
  return statesObject?.name === 'Object' ? members(state, statesObject).map(([k]) => k) : [];
}

// ---------------------------------------------------------------------------------------------
// Autocompletion.

/** Where the cursor is: in a member name, a member value or an array item, or nowhere useful. */
function placeAt(state, pos) {
  const tree = syntaxTree(state);
  const node = tree.resolveInner(pos, -1);
  if ((node.name === 'String' || node.name === 'PropertyName') && pos > node.from) {
    const closed = node.to - node.from >= 2 && state.sliceDoc(node.to - 1, node.to) === '"';
    if (closed && pos === node.to) return null; // just after the closing quote
    const inner = { from: node.from + 1, to: closed ? node.to - 1 : node.to };
    const parent = node.parent;
    if (node.name === 'PropertyName') {
      return { role: 'key', object: parent?.parent, ...inner, quoted: true, closed, node };
    }
    if (parent?.name === 'Property') {
      const name = parent.getChild('PropertyName');
      return { role: 'value', key: name ? unquote(state, name) : null, object: parent.parent, ...inner, quoted: true, node };
    }
    if (parent?.name === 'Array') return { role: 'item', array: parent, ...inner, quoted: true, node };
    return null;
  }
  // A bare word (or nothing, on Ctrl-Space) where a member name goes.
  const word = /[A-Za-z]*$/.exec(state.sliceDoc(Math.max(0, pos - 40), pos))[0];
  let object = tree.resolveInner(pos - word.length, -1);
  while (object && object.name !== 'Object') {
    if (object.name === 'Array' || object.name === 'String') return null;
    object = object.parent;
  }
  if (!object) return null;
  return { role: 'key', object, from: pos - word.length, to: pos, quoted: false, node: object };
}

/** The CompletionSource for ASL definitions. */
export function completeAsl(context) {
  const { state, pos } = context;
  const place = placeAt(state, pos);
  if (!place) return null;
  if (!place.quoted && !context.explicit && place.from === place.to) return null;
  const anchor = place.role === 'item' ? place.array : place.object;
  if (!anchor) return null;
  const levels = classify(state, containers(state, anchor));
  const i = levels.length - 1;
  const here = levels[i];
  let options = [];

  if (place.role === 'key') {
    const present = new Set(members(state, place.object).map(([k]) => k));
    const typed = place.quoted ? unquote(state, place.node) : '';
    const apply = (label) => (view, completion, from, to) => {
      // A member name completed: close its quotes and add the colon, unless they are there.
      const after = view.state.sliceDoc(to, to + 40);
      const quote = place.quoted && after.startsWith('"') ? 1 : 0;
      const colon = place.quoted && /^\s*:/.exec(after.slice(quote));
      if (colon) {
        view.dispatch({
          changes: { from, to, insert: label },
          selection: { anchor: from + label.length + quote + colon[0].length },
          userEvent: 'input.complete',
        });
        return;
      }
      const insert = place.quoted ? `${label}": ` : `"${label}": `;
      view.dispatch({
        changes: { from, to: to + quote, insert },
        selection: { anchor: from + insert.length },
        userEvent: 'input.complete',
      });
    };
    options = fieldsFor(state, levels, i)
      .filter((f) => !present.has(f) || f === typed)
      .map((f) => ({ label: f, type: 'property', info: FIELD_DOCS[f], apply: apply(f) }));
  } else if (place.role === 'value') {
    const key = place.key;
    if ((key === 'Next' && ['state', 'catcher', 'choice'].includes(here.kind)) ||
        (key === 'Default' && here.kind === 'state')) {
      options = stateNames(state, here.scope).map((n) => ({ label: n, type: 'variable', detail: 'state' }));
    } else if (key === 'StartAt' && ['machine', 'branch', 'processor'].includes(here.kind)) {
      options = stateNames(state, here.scope).map((n) => ({ label: n, type: 'variable', detail: 'state' }));
    } else if (key === 'Resource' && here.kind === 'state') {
      options = INTEGRATIONS.map(([arn, info]) => ({ label: arn, type: 'constant', info }));
    } else if (key === 'Type' && here.kind === 'state') {
      options = ENUMS.Type.map((t) => ({ label: t, type: 'type', info: STATE_TYPES[t] }));
    } else if (ENUMS[key] && here.kind !== null) {
      options = ENUMS[key].map((v) => ({ label: v, type: 'enum' }));
    }
  } else if (place.role === 'item' && here.kind === 'errors') {
    options = ERROR_NAMES.map((e) => ({ label: e, type: 'constant' }));
  }
  if (options.length === 0) return null;
  // Inside quotes every character may be part of a name or an ARN (`arn:aws:states:::…`).
  return { from: place.from, to: place.to, options, validFor: place.quoted ? /^[^"\\]*$/ : /^\w*$/ };
}

// ---------------------------------------------------------------------------------------------
// Hover help.

/** `{ from, to, title, body }` for what is under `pos`, or null. */
export function helpAt(state, pos, side) {
  const node = syntaxTree(state).resolveInner(pos, side);
  if (node.name === 'PropertyName') {
    const name = unquote(state, node);
    const levels = classify(state, containers(state, node.parent?.parent ?? node));
    const kind = levels[levels.length - 1]?.kind;
    // Help only where the name is an ASL field: not inside Parameters, Result, Assign, ...
    if (!kind || kind === 'states' || !FIELD_DOCS[name]) return null;
    return { from: node.from, to: node.to, title: name, body: FIELD_DOCS[name] };
  }
  if (node.name === 'String' && node.parent?.name === 'Property') {
    const key = node.parent.getChild('PropertyName');
    const value = unquote(state, node);
    if (key && unquote(state, key) === 'Type' && STATE_TYPES[value]) {
      return { from: node.from, to: node.to, title: value, body: STATE_TYPES[value] };
    }
    const integration = INTEGRATIONS.find(([arn]) => arn === value);
    if (key && unquote(state, key) === 'Resource' && integration) {
      return { from: node.from, to: node.to, title: 'Service integration', body: integration[1] };
    }
  }
  return null;
}
