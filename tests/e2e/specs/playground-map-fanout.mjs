// A Map fanning out to 50 child executions (.sync:2) runs to the end with "Run to end"; the
// history table lists the events. Logs (does not assert) how long one step takes to render.
import { openExample, runToEnd, tid } from '../lib/playground.mjs';

// Clicks Step inside the page and times until the counts line has changed and the next frame
// starts (Yew renders in a microtask after the click), without driver round trips.
async function stepAndWait(page) {
  return page.evaluate(
    (sel) =>
      new Promise((resolve, reject) => {
        const counts = () => document.querySelector(sel.counts).textContent;
        const before = counts();
        const t0 = performance.now();
        document.querySelector(sel.step).click();
        const check = () => {
          if (counts() !== before) requestAnimationFrame(() => resolve(performance.now() - t0));
          else if (performance.now() - t0 > 5000) reject(new Error('the step changed nothing'));
          else setTimeout(check, 0);
        };
        setTimeout(check, 0);
      }),
    { step: tid('step'), counts: tid('counts') },
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function mapFanout(page, baseUrl, { assert, screenshot, problems }) {
  await page.goto(`${baseUrl}/`);
  await openExample(page, 'map-fanout', 'FanOut');
  await page.click(tid('start'));
  await page.locator(tid('exec-FanOut')).first().waitFor();

  const early = [];
  for (let i = 0; i < 10; i++) early.push(await stepAndWait(page));

  const t0 = Date.now();
  await runToEnd(page, 'FanOut', 'SUCCEEDED', { timeout: 50_000 });
  const runMs = Date.now() - t0;
  const children = await page.locator(tid('exec-ProcessItem')).count();
  assert(children === 50, `expected 50 child executions, found ${children}`);
  const counts = await page.locator(tid('counts')).innerText();
  await screenshot('1-finished');

  await page.click(tid('exec-FanOut'));
  await page.click(tid('tab-history'));
  const rows = await page.locator(tid('history-row')).count();
  const label = await page.locator(tid('history-count')).innerText();
  assert(rows > 0, 'the history table shows events');
  const total = Number(label.split(' of ')[1].split(' ')[0]);
  assert(rows < total || total < 60, `only a window of rows is rendered (${rows} of ${total})`);
  const last = page.locator(`${tid('history-row')}[data-event-type="ExecutionSucceeded"]`);
  await last.waitFor();
  await screenshot('2-history');

  // Step timing with the whole run in memory: seek back half-way, then step.
  const max = Number(await page.locator(tid('timeline')).getAttribute('max'));
  await page.locator(tid('timeline')).fill(String(Math.floor(max / 2)));
  const late = [];
  for (let i = 0; i < 10; i++) late.push(await stepAndWait(page));
  console.log(`  run to end: ${runMs} ms (${counts}); history rows rendered: ${rows} of ${total}`);
  console.log(`  one step + render: median ${median(early).toFixed(1)} ms early, ${median(late).toFixed(1)} ms with ${max} ticks in the log`);
  await screenshot('3-stepped-after-seek');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
