// embed.html: two embeds on one docs page, each with its own engine. The `.sync` demo (a custom
// element) runs Parent → HelloWorld to SUCCEEDED; the approval demo (mounted from script) waits
// on a task token until its Approve button sends {"approved": true}. Neither sees the other's
// executions, machines or tokens. A third embed is mounted from script and checked for its
// refusals; a fourth uses JSONata, whose evaluator is a module of its own.

const STATUS = '.sw-status';

async function statusOf(demo) {
  return demo.locator(STATUS).getAttribute('data-sw-status');
}

async function outputOf(demo) {
  return JSON.parse(await demo.locator('[data-sw-output]').textContent());
}

/** Waits until the demo's current execution shows `status`. */
async function waitForStatus(demo, status) {
  await demo.locator(`${STATUS}[data-sw-status="${status}"]`).waitFor({ timeout: 15_000 });
}

/** What each engine holds, read through the controllers the page exposes. */
function engines(page) {
  return page.evaluate(() => {
    const read = (controller) => {
      const sw = controller.stepwise;
      return {
        executionArn: controller.executionArn,
        machines: sw.listStateMachines().stateMachines.map((m) => m.name),
        executions: sw.listExecutions().executions.map((e) => e.executionArn),
        pending: sw.listPendingTasks().tasks.map((t) => t.taskToken),
        now: sw.now(),
      };
    };
    return {
      sync: read(document.querySelector('#demo-sync').controller),
      approval: read(window.approvalDemo),
    };
  });
}

export default async function embed(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  const response = await page.goto(`${baseUrl}/embed.html`);
  assert(response && response.ok(), `GET /embed.html answered ${response && response.status()}`);

  // Locators pierce the custom element's open shadow root.
  const sync = page.locator('#demo-sync');
  const approval = page.locator('#demo-approval');
  await sync.locator('.sw-embed').waitFor();
  await approval.locator('.sw-embed').waitFor();
  await page.locator('#demo-approval[data-ready="true"]').waitFor();
  assertEqual(await statusOf(sync), 'NOT_STARTED', 'the .sync demo before Run');
  assertEqual(await statusOf(approval), 'NOT_STARTED', 'the approval demo before Run');
  // The graphs are drawn before anything runs.
  assert((await sync.locator('[data-sw-state="Start HelloWorld"]').count()) === 1, 'the .sync graph has no "Start HelloWorld" node');
  assert((await approval.locator('[data-sw-state="Ask for approval"]').count()) === 1, 'the approval graph has no "Ask for approval" node');
  await screenshot('loaded');

  // ---- demo 1: Parent starts HelloWorld with .sync and waits ----
  await sync.locator('[data-sw-action="run"]').click();
  await waitForStatus(sync, 'SUCCEEDED');
  assertEqual(await outputOf(sync), { childStatus: 'SUCCEEDED', childOutput: { greeting: 'Hello, Ada!' } }, 'Parent output');
  assertEqual(await sync.locator('[data-sw-state="Done"]').getAttribute('data-sw-state-status'), 'done', 'Done state in the graph');
  const syncEvents = await sync.locator('[data-sw-event]').evaluateAll((items) => items.map((li) => li.dataset.swEvent));
  for (const type of ['TaskScheduled', 'TaskSubmitted', 'TaskSucceeded', 'ExecutionSucceeded']) {
    assert(syncEvents.includes(type), `the Parent history lacks ${type}: ${syncEvents.join(', ')}`);
  }
  // The child is listed under its parent; picking it shows its own output.
  const picker = sync.locator('[data-sw-picker]');
  const choices = await picker.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent })));
  assertEqual(choices.length, 2, 'executions in the .sync demo');
  const child = choices.find((c) => c.value.includes(':execution:HelloWorld:'));
  assert(child && child.label.includes('↳'), `HelloWorld is not shown as a child: ${JSON.stringify(choices)}`);
  await picker.selectOption(child.value);
  assertEqual(await outputOf(sync), { greeting: 'Hello, Ada!' }, 'HelloWorld output');
  assert((await sync.locator('[data-sw-state="Greet"]').count()) === 1, 'picking the child did not switch the graph to HelloWorld');
  // The other demo did not move.
  assertEqual(await statusOf(approval), 'NOT_STARTED', 'the approval demo after the .sync run');
  await screenshot('sync-succeeded');

  // ---- demo 2: wait for a task token, then approve ----
  await approval.locator('[data-sw-action="run"]').click();
  const token = approval.locator('[data-sw-token]');
  await token.waitFor();
  assertEqual(await statusOf(approval), 'RUNNING', 'the approval while waiting');
  assertEqual(
    await approval.locator('[data-sw-state="Ask for approval"]').getAttribute('data-sw-state-status'),
    'waiting',
    'the waiting state in the graph',
  );
  let state = await engines(page);
  assertEqual(state.approval.pending.length, 1, 'pending tasks of the approval demo');
  assertEqual(state.sync.pending.length, 0, 'pending tasks of the .sync demo');
  // A token of one engine means nothing to the other.
  const foreign = await page.evaluate((taskToken) => {
    try {
      document.querySelector('#demo-sync').controller.stepwise.sendTaskSuccess({ taskToken, output: '{}' });
      return 'accepted';
    } catch (e) {
      return e.name;
    }
  }, state.approval.pending[0]);
  assertEqual(foreign, 'TaskDoesNotExist', 'the approval token sent to the .sync engine');
  await screenshot('approval-waiting');

  await approval.locator('[data-sw-action="task-success"]').click();
  await waitForStatus(approval, 'SUCCEEDED');
  assertEqual(
    await outputOf(approval),
    { requestId: 'r-42', amount: 1250, decision: { approved: true } },
    'Approval output',
  );
  assertEqual(await approval.locator('[data-sw-state="Approved"]').getAttribute('data-sw-state-status'), 'done', 'Approved state');
  assertEqual(await approval.locator('[data-sw-state="Rejected"]').getAttribute('data-sw-state-status'), 'idle', 'Rejected state');

  // ---- independence ----
  state = await engines(page);
  assert(state.sync.executionArn.includes(':execution:Parent:'), `sync demo ran ${state.sync.executionArn}`);
  assert(state.approval.executionArn.includes(':execution:Approval:'), `approval demo ran ${state.approval.executionArn}`);
  assertEqual(state.sync.machines, ['HelloWorld', 'Parent'], 'machines of the .sync engine');
  assertEqual(state.approval.machines, ['Approval', 'NotifyApprover'], 'machines of the approval engine');
  assertEqual(state.sync.executions.length, 2, 'executions of the .sync engine (Parent, HelloWorld)');
  assertEqual(state.approval.executions.length, 2, 'executions of the approval engine (Approval, NotifyApprover)');
  assert(
    state.sync.executions.every((arn) => !state.approval.executions.includes(arn)),
    'the two engines share an execution',
  );
  assertEqual(await statusOf(sync), 'SUCCEEDED', 'the .sync demo after the approval run');
  assertEqual(await outputOf(sync), { greeting: 'Hello, Ada!' }, 'the .sync demo still shows its child');
  await screenshot('both-succeeded');

  // ---- one renderer: the graph is the playground's (GraphSvg), Choice edges labelled ----
  const labels = await approval.locator('.edge-label text').allTextContents();
  assert(labels.includes('Default') && labels.includes('$.decision.approved == true'), `edge labels of the approval graph: ${labels.join(', ')}`);
  assertEqual(await approval.locator('[data-testid="state-Approved"]').getAttribute('data-status'), 'Succeeded', 'the playground status of Approved');

  // ---- options are checked, and a change is announced ----
  const checks = await page.evaluate(async () => {
    const { mount } = await import('./embed.js');
    const machines = [{ name: 'M', definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } }];
    const reason = async (options) => {
      try {
        await mount(document.createElement('div'), options);
        return 'mounted';
      } catch (e) {
        return `${e.name}: ${e.message}`;
      }
    };
    const target = document.createElement('div');
    document.body.append(target);
    const seen = [];
    target.addEventListener('stepwise-change', (e) => seen.push(e.detail.status));
    const demo = await mount(target, { machines, panels: 'graph,output', stepDelay: 0 });
    demo.run();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = {
      panels: await reason({ machines, panels: 'graph,nope' }),
      start: await reason({ machines, start: 'Other' }),
      empty: await reason({ machines: [] }),
      status: demo.status,
      seen: seen.includes('SUCCEEDED'),
      shown: [...demo.element.querySelectorAll('[data-sw-panel]')].map((p) => p.dataset.swPanel),
    };
    demo.destroy();
    result.destroyed = { attached: demo.element.isConnected, stepwise: demo.stepwise };
    return result;
  });
  assertEqual(checks.panels, 'TypeError: mount: unknown panels nope (use graph, history, tokens, output)', 'an unknown panel');
  assertEqual(checks.start, 'TypeError: mount: options.start names no machine: Other', 'an unknown start');
  assertEqual(checks.empty, 'TypeError: mount: options.machines must be a non-empty array of {name, definition}', 'no machine');
  assertEqual(checks.status, 'SUCCEEDED', 'a third embed mounted from script');
  assert(checks.seen, 'no stepwise-change event said SUCCEEDED');
  assertEqual(checks.shown, ['graph', 'output'], 'the panels of the third embed');
  assertEqual(checks.destroyed, { attached: false, stepwise: null }, 'a destroyed embed');

  // JSONata's evaluator is the second module: alone on a page, an embed whose machine uses it
  // waits for it, then runs as the engine does everywhere else.
  await page.route(`${baseUrl}/blank.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' }),
  );
  await page.goto(`${baseUrl}/blank.html`);
  const jsonata = await page.evaluate(async () => {
    const { mount } = await import('./embed.js');
    const target = document.createElement('div');
    document.body.append(target);
    const machines = [{
      name: 'Sum',
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Add',
        States: { Add: { Type: 'Pass', Output: '{% {"sum": $sum($states.input.values)} %}', End: true } },
      },
    }];
    const demo = await mount(target, { machines, input: { values: [1, 2, 3] }, panels: 'output', stepDelay: 0 });
    demo.run();
    for (let i = 0; i < 50 && demo.status !== 'SUCCEEDED'; i++) await new Promise((r) => setTimeout(r, 50));
    const output = demo.element.querySelector('[data-sw-output]')?.textContent;
    const status = demo.status;
    demo.destroy();
    return { status, output: output ? JSON.parse(output) : null };
  });
  assertEqual(jsonata, { status: 'SUCCEEDED', output: { sum: 6 } }, 'an embed whose machine uses JSONata');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
