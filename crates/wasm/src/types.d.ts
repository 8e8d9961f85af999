
/** JSON text as the AWS API takes it, or any other value, which is encoded as JSON first. */
export type JsonInput = string | number | boolean | null | object;

export interface StepwiseOptions {
  /** Seed of names, task tokens, `States.UUID`, `$random()` and retry jitter (default 42). */
  seed?: number | bigint;
  /** Start of the virtual clock: millis since 1970, ISO-8601 text or a Date (default 2025-01-01T00:00:00Z). */
  epoch?: number | string | Date;
  /** Default `us-east-1`. */
  region?: string;
  /** Default `123456789012`. */
  account?: string;
  /** Default 25,000, as in AWS. */
  maxHistoryEvents?: number;
  /** The budget of one evaluation (a JSONata expression, an intrinsic, a payload template): counted
   *  work, never time, so every run gives the same history. Past it the state fails with
   *  `States.QueryEvaluationError` (JSONata) or `States.DataLimitExceeded`, naming the limit. */
  limits?: {
    /** Default 100,000,000. */
    maxEvaluationSteps?: number;
    /** Bytes of values produced (text, 24 per array item or object entry). Default 268,435,456. */
    maxEvaluationBytes?: number;
    /** How deeply a produced value may nest. Default 500. */
    maxValueDepth?: number;
  };
}

export interface CreateStateMachineInput {
  name: string; definition: JsonInput;
  /** Also publish version 1; `versionDescription` only with `publish: true`. */
  publish?: boolean; versionDescription?: string;
  [awsField: string]: unknown;
}
export interface CreateStateMachineOutput { stateMachineArn: string; creationDate: string; stateMachineVersionArn?: string }
export interface UpdateStateMachineInput {
  stateMachineArn: string; definition: JsonInput;
  /** Also publish a version of the new revision; `versionDescription` only with `publish: true`. */
  publish?: boolean; versionDescription?: string;
  [awsField: string]: unknown;
}
export interface UpdateStateMachineOutput { updateDate: string; revisionId?: string; stateMachineVersionArn?: string }
export interface StateMachineRef { stateMachineArn: string }
export interface DescribeStateMachineOutput {
  stateMachineArn: string; name: string; status: "ACTIVE"; definition: string; roleArn: string;
  type: "STANDARD"; creationDate: string;
  /** The current revision (absent before the first update), or a version's revision. */
  revisionId?: string;
  /** A version's description (when `stateMachineArn` is a version ARN). */
  description?: string;
}
/** AWS pages the list; Stepwise returns it whole, so the paging fields are accepted and ignored. */
export interface ListStateMachinesInput { maxResults?: number; nextToken?: string }
export interface StateMachineListItem { stateMachineArn: string; name: string; type: "STANDARD"; creationDate: string }
export interface ListStateMachinesOutput { stateMachines: StateMachineListItem[] }

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
export interface StartExecutionInput { stateMachineArn: string; name?: string; input?: JsonInput }
export interface StartExecutionOutput { executionArn: string; startDate: string }
export interface StopExecutionInput { executionArn: string; error?: string; cause?: string }
export interface StopExecutionOutput { stopDate: string }
export interface ExecutionRef { executionArn: string }
export interface DescribeExecutionOutput {
  executionArn: string; stateMachineArn: string; name: string; status: ExecutionStatus;
  startDate: string; stopDate?: string;
  /** JSON text. */
  input: string; inputDetails: { included: boolean };
  /** JSON text, once the execution succeeded. */
  output?: string; outputDetails?: { included: boolean };
  error?: string; cause?: string;
  /** Set when StartExecution named a version (the version) or an alias (both). */
  stateMachineVersionArn?: string; stateMachineAliasArn?: string;
  /** Redrive (RedriveExecution): how many times, when last, and whether it can be now (and if not, why). */
  redriveCount: number; redriveDate?: string;
  redriveStatus: RedriveStatus; redriveStatusReason?: string;
  /** Stepwise's extras for nested executions. */
  parentExecutionArn?: string; startedByState?: string;
}
/** Versions: `arn:…:stateMachine:Name:N`, numbered from 1, never reused. */
export interface PublishStateMachineVersionInput { stateMachineArn: string; revisionId?: string; description?: string }
export interface PublishStateMachineVersionOutput { creationDate: string; stateMachineVersionArn: string }
export interface ListStateMachineVersionsInput { stateMachineArn: string; maxResults?: number; nextToken?: string }
export interface StateMachineVersionListItem { stateMachineVersionArn: string; creationDate: string }
export interface ListStateMachineVersionsOutput { stateMachineVersions: StateMachineVersionListItem[] }
export interface DeleteStateMachineVersionInput { stateMachineVersionArn: string }
/** Aliases: `arn:…:stateMachine:Name:alias`, routing to one or two versions by weight (adding up to 100). */
export interface RoutingConfigurationListItem { stateMachineVersionArn: string; weight: number }
export interface CreateStateMachineAliasInput { name: string; description?: string; routingConfiguration: RoutingConfigurationListItem[] }
export interface CreateStateMachineAliasOutput { stateMachineAliasArn: string; creationDate: string }
export interface UpdateStateMachineAliasInput { stateMachineAliasArn: string; description?: string; routingConfiguration?: RoutingConfigurationListItem[] }
export interface UpdateStateMachineAliasOutput { updateDate: string }
export interface StateMachineAliasRef { stateMachineAliasArn: string }
export interface DescribeStateMachineAliasOutput {
  stateMachineAliasArn: string; name: string; description?: string;
  routingConfiguration: RoutingConfigurationListItem[]; creationDate: string; updateDate: string;
}
/** `stateMachineArn`: a machine (its aliases) or a version (the aliases routing to it). */
export interface ListStateMachineAliasesInput { stateMachineArn: string; maxResults?: number; nextToken?: string }
export interface StateMachineAliasListItem { stateMachineAliasArn: string; creationDate: string }
export interface ListStateMachineAliasesOutput { stateMachineAliases: StateMachineAliasListItem[] }
export interface DescribeStateMachineForExecutionOutput {
  stateMachineArn: string; name: string; definition: string; roleArn: string; updateDate: string; revisionId?: string;
}
export type RedriveStatus = "REDRIVABLE" | "NOT_REDRIVABLE" | "REDRIVABLE_BY_MAP_RUN";
/** `clientToken`: 1–64 characters `!`…`~`; the same token within 15 minutes answers the same redrive. */
export interface RedriveExecutionInput { executionArn: string; clientToken?: string }
export interface RedriveExecutionOutput { redriveDate: string }
export interface ListExecutionsInput {
  stateMachineArn?: string; statusFilter?: ExecutionStatus | "PENDING_REDRIVE";
  redriveFilter?: "REDRIVEN" | "NOT_REDRIVEN";
}
export interface ExecutionListItem {
  executionArn: string; stateMachineArn: string; name: string; status: ExecutionStatus; startDate: string; stopDate?: string;
  stateMachineVersionArn?: string; stateMachineAliasArn?: string;
  /** Only on executions that were redriven. */
  redriveCount?: number; redriveDate?: string;
}
export interface ListExecutionsOutput { executions: ExecutionListItem[] }
export interface GetExecutionHistoryInput { executionArn: string; reverseOrder?: boolean; includeExecutionData?: boolean }
/** AWS's history event types (`HistoryEventType`), all of them, whether Stepwise emits them yet or not.
 *  Checked against the engine's `EventType` by tests/tests/ts_types.rs. */
export type HistoryEventType =
  | "ActivityFailed" | "ActivityScheduled" | "ActivityScheduleFailed" | "ActivityStarted"
  | "ActivitySucceeded" | "ActivityTimedOut" | "ChoiceStateEntered" | "ChoiceStateExited"
  | "ExecutionAborted" | "ExecutionFailed" | "ExecutionStarted" | "ExecutionSucceeded"
  | "ExecutionTimedOut" | "FailStateEntered" | "LambdaFunctionFailed" | "LambdaFunctionScheduled"
  | "LambdaFunctionScheduleFailed" | "LambdaFunctionStarted" | "LambdaFunctionStartFailed"
  | "LambdaFunctionSucceeded" | "LambdaFunctionTimedOut" | "MapIterationAborted"
  | "MapIterationFailed" | "MapIterationStarted" | "MapIterationSucceeded" | "MapStateAborted"
  | "MapStateEntered" | "MapStateExited" | "MapStateFailed" | "MapStateStarted"
  | "MapStateSucceeded" | "ParallelStateAborted" | "ParallelStateEntered" | "ParallelStateExited"
  | "ParallelStateFailed" | "ParallelStateStarted" | "ParallelStateSucceeded" | "PassStateEntered"
  | "PassStateExited" | "SucceedStateEntered" | "SucceedStateExited" | "TaskFailed"
  | "TaskScheduled" | "TaskStarted" | "TaskStartFailed" | "TaskStateAborted" | "TaskStateEntered"
  | "TaskStateExited" | "TaskSubmitFailed" | "TaskSubmitted" | "TaskSucceeded" | "TaskTimedOut"
  | "WaitStateAborted" | "WaitStateEntered" | "WaitStateExited" | "MapRunAborted" | "MapRunFailed"
  | "MapRunStarted" | "MapRunSucceeded" | "ExecutionRedriven" | "MapRunRedriven"
  | "EvaluationFailed";
/** An AWS history event: the fixed fields plus one `<kind>EventDetails` object (e.g. `stateEnteredEventDetails`). */
export interface HistoryEvent { id: number; previousEventId: number; timestamp: string; type: HistoryEventType; [details: string]: unknown }
export interface GetExecutionHistoryOutput { events: HistoryEvent[] }

export interface SendTaskSuccessInput { taskToken: string; output: JsonInput }
export interface SendTaskFailureInput { taskToken: string; error?: string; cause?: string }
export interface SendTaskHeartbeatInput { taskToken: string }
export interface PendingTask {
  taskToken: string; executionArn: string; stateName: string; resource: string;
  /** `Callback`: a `.waitForTaskToken` task; `ChildExecution`: a `.sync`/`.sync:2` task waiting
   *  for its child execution (its token is accepted too); `Manual`: a task with no mock,
   *  completed by hand. */
  kind: "Callback" | "ChildExecution" | "Manual";
  /** JSON text: what the task sent (its resolved Parameters/Arguments). */
  input: string;
  since: string; heartbeatDeadline?: string; timeoutDeadline?: string;
}
export interface ListPendingTasksOutput { tasks: PendingTask[] }

export interface ExecutionTreeNode {
  executionArn: string; name: string; stateMachineArn: string; status: ExecutionStatus;
  startDate: string; stopDate?: string; startedByState?: string; children: ExecutionTreeNode[];
}
export interface ExecutionTreeOutput { executions: ExecutionTreeNode[] }

export interface StepEvent { executionArn: string; id: number; type: HistoryEventType; stateName?: string }
export interface StepReport { executionArn: string; events: StepEvent[] }
export type IdleReason = "Finished" | "BudgetSpent" | "WaitingForTimer" | "WaitingForOutside";
/** `until`: the instant of the next timer, with `WaitingForTimer`. */
export interface RunUntilIdleOutput { idle: IdleReason; until?: string }

/** A Step Functions Local mock config (`StateMachines` + `MockedResponses`), or its JSON text. */
export type MockConfig = string | object;

export interface Diagnostic {
  severity: "ERROR" | "WARNING"; code: string; message: string;
  /** JSON pointer into the definition, e.g. `/States/Check/Next`. */
  location?: string; line?: number; column?: number;
}
export interface ValidateStateMachineDefinitionInput { definition: JsonInput }
export interface ValidateStateMachineDefinitionOutput { result: "OK" | "FAIL"; diagnostics: Diagnostic[]; truncated: boolean }

/** AWS's TestState request. `definition` is one state (or a whole machine with `stateName`, any
 *  state of it, nested ones too; the whole machine is validated); `input`, `variables`,
 *  `context` and `mock.result` are JSON text (an object is encoded for you). A Task needs `mock`
 *  (no service is called), and so do Map and Parallel states: `mock.result` is then their result
 *  (an array; one item per branch for a Parallel). */
export interface TestStateInput {
  definition: JsonInput;
  roleArn?: string;
  input?: JsonInput;
  inspectionLevel?: "INFO" | "DEBUG" | "TRACE";
  revealSecrets?: boolean;
  variables?: JsonInput;
  stateName?: string;
  mock?: {
    result?: JsonInput;
    errorOutput?: { error?: string; cause?: string };
    /** How a Task's `result` is checked against its API's response shape (known for
     *  `states:startExecution` and its `.sync` forms, `lambda:invoke`, `events:putEvents`,
     *  `sqs:sendMessage`, `sns:publish`): `STRICT` (the default) wants the required fields
     *  and the right types, `PRESENT` checks only the fields given, `NONE` nothing. */
    fieldValidationMode?: "STRICT" | "PRESENT" | "NONE";
  };
  stateConfiguration?: { retrierRetryCount?: number; mapIterationFailureCount?: number };
  /** The context object (`$$`, `$states.context`) the state sees, used as given: fields of
   *  `Execution`, `State`, `StateMachine` and (token tasks only) `Task`; no `Map`. Only with a
   *  `mock`. */
  context?: JsonInput | TestStateContext;
}
/** The parts of a context object TestState accepts (each field optional, none filled in). */
export interface TestStateContext {
  Execution?: { Id?: string; Input?: unknown; Name?: string; RoleArn?: string; StartTime?: string;
    RedriveCount?: number; RedriveTime?: string };
  State?: { EnteredTime?: string; Name?: string; RetryCount?: number };
  StateMachine?: { Id?: string; Name?: string };
  Task?: { Token?: string };
}
/** Every stage as JSON text; `afterArguments` for JSONata states, `afterInputPath`,
 *  `afterParameters`, `afterResultSelector`, `afterResultPath` for JSONPath ones. */
export interface InspectionData {
  input?: string; afterInputPath?: string; afterParameters?: string; afterArguments?: string;
  result?: string; afterResultSelector?: string; afterResultPath?: string;
  /** TRACE, HTTP Tasks only. */
  request?: { protocol: string; method: string; url: string; headers: string; body: string };
  response?: { protocol: string; statusCode: string; statusMessage: string; headers: string; body: string };
  variables?: string;
  errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
  /** Map states: the items (`afterItemsPath`, JSONPath only), each iteration's input
   *  (`afterItemSelector`), the batches (`afterItemBatcher`), and the limits. */
  afterItemsPath?: string; afterItemSelector?: string; afterItemBatcher?: string;
  maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number;
}
export type TestExecutionStatus = "SUCCEEDED" | "FAILED" | "RETRIABLE" | "CAUGHT_ERROR";
export interface TestStateOutput {
  output?: string; error?: string; cause?: string;
  /** Only at inspectionLevel DEBUG and TRACE. */
  inspectionData?: InspectionData;
  nextState?: string;
  status: TestExecutionStatus;
}

export type StepwiseErrorName =
  | "StateMachineDoesNotExist" | "StateMachineAlreadyExists" | "ExecutionDoesNotExist"
  | "ExecutionAlreadyExists" | "ExecutionLimitExceeded" | "ExecutionNotRedrivable" | "TaskDoesNotExist" | "TaskTimedOut"
  | "InvalidToken" | "InvalidOutput" | "InvalidDefinition" | "InvalidName" | "InvalidArn"
  | "InvalidExecutionInput" | "ValidationException" | "InternalError"
  | "ResourceNotFound" | "ConflictException" | "ServiceQuotaExceededException"
  | "InvalidRecording" | "NotReplayable";
/** What every method throws: `name` is AWS's exception name; `InvalidDefinition` carries `diagnostics`.
 *  `InternalError` is a bug in Stepwise: the module resets itself and rebuilds its engines as they were. */
export interface StepwiseError extends Error { name: StepwiseErrorName; diagnostics?: Diagnostic[]; problems?: ImportProblem[] }

/** What the AWS CLI printed (`--output json`): `get-execution-history` pages, `describe-execution`,
 *  `describe-state-machine-for-execution`; one text may hold several documents. */
export interface ImportSource { name?: string; text: string }
export interface ImportExecutionInput { sources: ImportSource[] }
export interface SourceLocation { source: string; line: number; column: number }
export interface ImportProblem { location: SourceLocation; message: string }
/** An event as AWS printed it (`raw`), with its state (from its details or the event it follows). */
export interface RecordedEvent {
  id: number; previousEventId: number; eventType: string; timestampMillis: number | null;
  stateName: string | null; raw: HistoryEvent;
}
export interface RecordedMachine { arn: string | null; name: string; definition: string; at: SourceLocation }
export interface RecordedExecution {
  identity: { arn: string; name: string; stateMachineArn: string; status: string; raw: object } | null;
  machine: RecordedMachine; input: string; status: string; events: RecordedEvent[];
  /** `execution`: the parent's index among the imported executions, when it was imported. */
  parent: { arn: string; execution: number | null; eventId: number | null; stateName: string | null } | null;
  children: number[]; at: SourceLocation;
}
export interface ImportExecutionOutput { executions: RecordedExecution[]; machines: RecordedMachine[]; warnings: ImportProblem[] }
/** `execution`: an index of `importExecution`'s list or an ARN (default: the first without a
 *  recorded parent); `definitions`: machine name → definition to use instead of the recorded one. */
export interface ReplayExecutionInput { sources: ImportSource[]; execution?: number | string; definitions?: Record<string, JsonInput> }
export interface DivergentEvent { index: number; id: number; type: string; stateName: string | null; event: HistoryEvent }
export interface Divergence { execution: string; recorded: DivergentEvent | null; local: DivergentEvent | null; what: string }
export interface ReplayExecutionOutput {
  execution: string; recordedStatus: string; localStatus: string;
  divergence: Divergence | null; stuck: string | null; missing: string | null; compared: string[];
  localExecutionArn: string; localHistory: HistoryEvent[];
  /** The test case `stepwise test` runs (the README's CLI section describes it). */
  scenario: object; testCase?: object;
}
