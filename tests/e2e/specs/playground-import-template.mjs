// Import of a SAM template written the way SAM projects write them: every state machine with a
// definition becomes a tab (names from `Name: !Sub ...` with the parameter's default), the one
// whose definition is a DefinitionUri file is named in the notice, a startExecution whose literal
// ARN names no machine of the workspace gets a warning with the closest name, and the parent
// runs, starting the child it finds through `!Ref`. Imported again with that definition file
// chosen beside it, the template gives that machine too.
import { runToEnd, tid } from '../lib/playground.mjs';

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
Resources:
  Parent:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Start child
        States:
          Start child:
            Type: Task
            Resource: arn:aws:states:::states:startExecution.sync:2
            Parameters:
              StateMachineArn: !Ref Child
              Input:
                stage: !Ref Stage
            OutputPath: $.Output
            End: true
  Child:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: !Sub "child-\${Stage}"
      DefinitionString: !Sub |
        {
          "StartAt": "Greet",
          "States": {
            "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hello from {}', $.stage)"}, "End": true}
          }
        }
  Typo:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: Go
        States:
          Go:
            Type: Task
            Resource: arn:aws:states:::states:startExecution
            Parameters:
              StateMachineArn: !Sub "arn:aws:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:child-dve"
            End: true
  Later:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/later.asl.yaml
`;

const LATER = `Comment: the machine the template's DefinitionUri names
StartAt: Later
States:
  Later:
    Type: Wait
    Seconds: 5
    End: true
`;

export default async function playgroundImportTemplate(page, baseUrl, { assert, screenshot, problems }) {
  await page.goto(`${baseUrl}/`);
  await page.locator(tid('machines-panel')).waitFor();

  await page.setInputFiles(tid('import-file'), {
    name: 'template.yaml',
    mimeType: 'application/x-yaml',
    buffer: Buffer.from(TEMPLATE),
  });
  // The default workspace has a Parent too: wait for the import's notice.
  await page.locator(tid('notice')).filter({ hasText: 'Imported template.yaml' }).waitFor();
  for (const name of ['Parent', 'child-dev', 'Typo']) {
    assert((await page.locator(tid(`machine-tab-${name}`)).count()) === 1, `a tab for ${name}`);
  }
  assert((await page.locator(tid('machine-tab-Later')).count()) === 0, 'no tab for the DefinitionUri machine');
  const notice = await page.locator(tid('notice')).innerText();
  assert(notice.includes('template.yaml') && notice.includes('statemachine/later.asl.yaml'), `notice: ${notice}`);
  await screenshot('1-imported');

  // The live warning of the workspace: a literal ARN naming no machine, the closest suggested.
  await page.click(tid('machine-tab-Typo'));
  const warning = page.locator(tid('diagnostic')).filter({ hasText: 'UNKNOWN_STATE_MACHINE' });
  await warning.waitFor();
  const text = await warning.innerText();
  assert(text.includes("did you mean 'child-dev'"), `warning: ${text}`);
  await screenshot('2-unknown-machine-warning');

  // The parent starts the child the template references and gets its output.
  await page.selectOption(tid('entry-select'), 'Parent');
  await page.click(tid('start'));
  await page.locator(tid('exec-Parent')).first().waitFor();
  await runToEnd(page, 'Parent', 'SUCCEEDED', { timeout: 30_000 });
  assert((await page.locator(tid('exec-child-dev')).count()) >= 1, 'the child execution is in the tree');
  await screenshot('3-parent-ran-the-child');

  // The template chosen together with the file its DefinitionUri names (a browser gives no
  // folders: matched by file name) gives that machine too.
  await page.setInputFiles(tid('import-file'), [
    { name: 'template.yaml', mimeType: 'application/x-yaml', buffer: Buffer.from(TEMPLATE) },
    { name: 'later.asl.yaml', mimeType: 'application/x-yaml', buffer: Buffer.from(LATER) },
  ]);
  await page.locator(tid('notice')).filter({ hasText: 'Imported template.yaml, later.asl.yaml' }).waitFor();
  await page.locator(tid('machine-tab-Later')).waitFor();
  const together = await page.locator(tid('notice')).innerText();
  assert(!together.includes('DefinitionUri'), `nothing left to import: ${together}`);
  await page.click(tid('machine-tab-Later'));
  await page.locator(tid('diagnostics-ok')).waitFor();
  await screenshot('4-template-with-its-definition-file');

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
