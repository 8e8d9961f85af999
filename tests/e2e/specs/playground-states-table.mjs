// The graph panel's Table view lists every entry into a state, like the console's table view:
// Map iterations and Parallel branches labelled, statuses as the graph colours them (a failing
// Pass in a branch "Failed", the Parallel that caught it "Caught error"), durations on the
// virtual clock. Selecting a state (a table row, by keyboard too, or a graph state) lists only
// its events in the history.
import { openClean, runToEnd, tid } from '../lib/playground.mjs';

const MACHINE = JSON.stringify({
  StartAt: 'Seed',
  States: {
    Seed: { Type: 'Pass', Result: { items: [1, 2, 3] }, Next: 'Fan' },
    Fan: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Pause',
        States: { Pause: { Type: 'Wait', Seconds: 2, Next: 'Tag' }, Tag: { Type: 'Pass', End: true } },
      },
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Bad', States: { Bad: { Type: 'Pass', Parameters: { 'x.$': "States.StringToJson('nope')" }, End: true } } },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
}, null, 2);

export default async function statesTable(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  await openClean(page, baseUrl);
  await page.click(tid('new-workspace'));
  await page.fill(tid('definition'), MACHINE);
  await page.click(tid('start'));
  await runToEnd(page, 'Machine', 'SUCCEEDED');
  await page.click(tid('exec-Machine'));
  const graphStatus = (s) => page.locator(tid(`state-${s}`)).getAttribute('data-status');
  const graph = {};
  for (const s of ['Seed', 'Fan', 'Pause', 'Tag', 'Both', 'Bad', 'Done']) graph[s] = await graphStatus(s);

  // The table: one row per entry, in history order.
  await page.click(tid('view-table'));
  await page.locator(tid('states-table')).waitFor();
  assertEqual(await page.locator(tid('graph')).count(), 0, 'the table replaces the graph');
  const rows = await page.locator(tid('state-row')).evaluateAll((els) => els.map((r) => ({
    state: r.getAttribute('data-state'),
    status: r.getAttribute('data-status'),
    ms: r.getAttribute('data-duration-ms'),
    place: r.getAttribute('data-place'),
    duration: r.querySelector('[data-testid="state-duration"]').textContent,
    type: r.children[1].textContent,
  })));
  const names = rows.map((r) => r.state);
  assertEqual(names.filter((n) => n === 'Pause').length, 3, 'one Pause row per Map iteration');
  assertEqual(names.filter((n) => n === 'Tag').length, 3, 'one Tag row per Map iteration');
  assertEqual(names[0], 'Seed', 'the first row');
  assertEqual(names[names.length - 1], 'Done', 'the last row');
  const pauses = rows.filter((r) => r.state === 'Pause');
  assertEqual(pauses.map((r) => r.place).sort(), ['iteration 0', 'iteration 1', 'iteration 2'], 'Map iterations are labelled');
  for (const p of pauses) {
    assertEqual([p.type, p.status, p.ms, p.duration], ['Wait', 'Succeeded', '2000', '2.000 s'], 'a 2 s Wait in an iteration');
  }
  const one = (s) => rows.find((r) => r.state === s);
  assert(Number(one('Fan').ms) >= 2000, `the Map lasts at least its iterations' waits: ${one('Fan').ms} ms`);
  assertEqual([one('Fan').type, one('Fan').status], ['Map', 'Succeeded'], 'the Map row');
  assertEqual([one('Bad').type, one('Bad').status, one('Bad').place], ['Pass', 'Failed', 'branch 1'], 'the Pass failing in a branch');
  assertEqual([one('Both').type, one('Both').status], ['Parallel', 'Caught error'], 'the Parallel whose Catch took over');
  // The same statuses as the graph's colours (one entry per state here, except the iterations).
  for (const s of Object.keys(graph)) assertEqual(one(s).status, graph[s], `${s}: table and graph agree`);
  await screenshot('1-table');

  // Keyboard: Tab reaches the rows, Enter selects the state and lists its events only.
  const bothRow = page.locator(`${tid('state-row')}[data-state="Both"]`);
  await bothRow.focus();
  await page.keyboard.press('Enter');
  assertEqual(await page.locator(tid('inspector-state')).innerText(), 'Both', 'the state is selected');
  assertEqual(await bothRow.getAttribute('aria-pressed'), 'true', 'its row is marked selected');
  assert(await page.locator(tid('history-only-state')).isChecked(), 'the history is narrowed to the state');
  const listed = async () => page.locator(tid('history-row')).evaluateAll((els) => els.map((r) => [r.getAttribute('data-state'), r.getAttribute('data-event-type')]));
  let events = await listed();
  assert(events.length >= 3, `Both's events: ${JSON.stringify(events)}`);
  assert(events.every(([s]) => s === 'Both'), `only Both's events: ${JSON.stringify(events)}`);
  const types = events.map(([, t]) => t);
  for (const t of ['ParallelStateEntered', 'ParallelStateFailed']) assert(types.includes(t), `${t} listed: ${types}`);
  await screenshot('2-state-events');

  // Space on an iteration's row selects that state too.
  await page.locator(`${tid('state-row')}[data-state="Tag"]`).first().focus();
  await page.keyboard.press(' ');
  events = await listed();
  assertEqual(events.map(([s]) => s), Array(6).fill('Tag'), 'three iterations entered and left Tag');

  // Unticking lists every event again.
  await page.click(tid('history-only-state'));
  const count = await page.locator(tid('history-count')).innerText();
  const m = /^(\d+) of (\d+) events/.exec(count);
  assert(m && m[1] === m[2] && Number(m[1]) > 20, `every event listed again: ${count}`);

  // Back to the graph: selecting a state there, with the box ticked, lists its events.
  await page.click(tid('view-graph'));
  await page.locator(tid('graph')).waitFor();
  await page.click(tid('history-only-state'));
  await page.click(tid('state-Bad'));
  events = await listed();
  assert(events.length > 0 && events.every(([s]) => s === 'Bad'), `Bad's events from the graph: ${JSON.stringify(events)}`);
  assertEqual(graph.Bad, 'Failed', 'the graph shows the branch failure');
  await screenshot('3-graph-selection');

  // With a definition that does not parse (no graph to draw), the switch is still there.
  await page.click(tid('new-workspace'));
  await page.fill(tid('definition'), '{ "StartAt": ');
  await page.locator(`${tid('graph')} ${tid('view-table')}`).click();
  await page.locator(tid('states-table')).waitFor();
  await page.click(tid('view-graph'));
  await page.locator(tid('graph')).waitFor();
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
