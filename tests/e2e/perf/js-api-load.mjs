// First load of the JS API (dist/pkg/) in headless Chromium: from a page script's start to
// `init()` resolved and a JSONata state machine created (its syntax checked), for a fresh browser
// context each time (nothing cached). A measurement to print, not a test.
//
//   node tests/e2e/perf/js-api-load.mjs <baseUrl> [loads=5] [--throttle]
//
// `cargo xtask first-load` runs it after the playground's. `--throttle`: an emulated 10 Mbit/s,
// 40 ms link. Prints each load, the median, and the wasm transferred.

import { launchChromium, throttleTo10Mbit } from '../chromium.mjs';

const SCRIPT = `
const started = performance.now();
const { default: init, Stepwise } = await import('./pkg/stepwise_wasm.js');
await init();
new Stepwise().createStateMachine({
  name: 'Load',
  definition: { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $states.input %}', End: true } } },
});
window.__ready = performance.now() - started;
`;

async function load(browser, baseUrl, throttle) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (throttle) {
    await throttleTo10Mbit(context, page);
  }
  let wasm = 0;
  page.on('requestfinished', async (request) => {
    if (!request.url().endsWith('.wasm')) return;
    const sizes = await request.sizes().catch(() => null);
    if (sizes) wasm += sizes.responseBodySize;
  });
  // An empty page at the site's root gives the script its base URL (the site's own pages load
  // wasm of their own).
  await page.route(`${baseUrl}/blank.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>JS API</title>' }),
  );
  await page.goto(`${baseUrl}/blank.html`);
  await page.addScriptTag({ type: 'module', content: SCRIPT });
  await page.waitForFunction(() => window.__ready !== undefined, null, { timeout: 60_000 });
  const ms = await page.evaluate(() => window.__ready);
  await context.close();
  return { ms, wasm };
}

const args = process.argv.slice(2);
const throttle = args.includes('--throttle');
const [baseUrl, count = '5'] = args.filter((a) => a !== '--throttle');
if (!baseUrl) {
  console.error('usage: node tests/e2e/perf/js-api-load.mjs <baseUrl> [loads=5] [--throttle]');
  process.exit(2);
}
const base = baseUrl.replace(/\/$/, '');
const browser = await launchChromium();
const times = [];
try {
  await load(browser, base, throttle);
  for (let i = 0; i < Number(count); i++) {
    const { ms, wasm } = await load(browser, base, throttle);
    times.push(ms);
    console.log(`load ${i + 1}: JS API ready after ${ms.toFixed(0)} ms (wasm transferred: ${(wasm / 1024).toFixed(1)} KiB)`);
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`js-api-load${throttle ? ' (10 Mbit/s, 40 ms)' : ''}: median ${median.toFixed(0)} ms over ${times.length} loads`);
