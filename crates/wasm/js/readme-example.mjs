import init, { Stepwise } from './pkg/stepwise_wasm.js';

await init();
const sw = new Stepwise({ seed: 7 });
const { stateMachineArn } = sw.createStateMachine({
  name: 'Approval',
  definition: {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: {
          QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals',
          MessageBody: { 'token.$': '$$.Task.Token', 'order.$': '$.order' },
        },
        Next: 'Cool off',
      },
      'Cool off': { Type: 'Wait', Seconds: 86400, End: true },
    },
  },
});
const { executionArn } = sw.startExecution({ stateMachineArn, input: { order: 42 } });

console.log(sw.runUntilIdle()); // { idle: 'WaitingForOutside' }
const [task] = sw.listPendingTasks().tasks;
sw.sendTaskSuccess({ taskToken: task.taskToken, output: { approved: true } });
console.log(sw.runUntilIdle()); // { idle: 'WaitingForTimer', until: '2025-01-02T00:00:00.000Z' }
sw.advanceToNextTimer(); // a day passes at once
sw.runUntilIdle();

const { status, output } = sw.describeExecution({ executionArn });
console.log(status, JSON.parse(output)); // SUCCEEDED { approved: true }
console.log(sw.getExecutionHistory({ executionArn }).events.map((e) => e.type));
try {
  sw.sendTaskSuccess({ taskToken: task.taskToken, output: '{}' });
} catch (e) {
  console.log(e.name); // TaskDoesNotExist
}
