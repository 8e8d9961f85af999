// First load of the playground in headless Chromium: the time from navigation to the first state
// of the graph on screen, for a fresh browser context each time (nothing cached). A measurement to
// print, not a test: it never fails on a slow machine.
//
//   node tests/e2e/perf/first-load.mjs <baseUrl> [loads=5] [--throttle] [--jsonata | --embed]
//
// `cargo xtask first-load` builds dist/, serves it and runs this. `--throttle` also loads it over
// an emulated 10 Mbit/s, 40 ms link (Chromium's network emulation), where download size shows.
// `--jsonata` opens a saved workspace that uses JSONata, which waits for JSONata's evaluator (the
// second wasm module) before its first render. `--embed` loads the embed's docs page
// (embed.html) instead: the time to the first state of an embed's graph.
// Prints each load and the median, and what was transferred (wasm and JS separately: the JS
// includes any lazily loaded chunk the first render asked for).

import { launchChromium, throttleTo10Mbit } from '../chromium.mjs';

// In the page before any script of its own: notes when the first graph state appears.
// (The embed.html demo mounted from script draws in the page itself, not in a shadow root.)
const OBSERVE = () => {
  const seen = () => document.querySelector('[data-testid^="state-"]');
  const observer = new MutationObserver(() => {
    if (window.__firstGraph === undefined && seen()) {
      window.__firstGraph = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
};

// A saved workspace with one JSONata machine (set before the page's scripts run).
const SAVE_JSONATA = () => {
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Sum',
    States: { Sum: { Type: 'Pass', Output: '{% $sum($states.input.values) %}', End: true } },
  };
  localStorage.setItem('stepwise.workspace.v1', JSON.stringify({ version: 1, machines: [{ name: 'J', definition }] }));
};

async function load(browser, url, throttle, jsonata) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(OBSERVE);
  if (jsonata) await page.addInitScript(SAVE_JSONATA);
  if (throttle) {
    await throttleTo10Mbit(context, page);
  }
  const bytes = { wasm: 0, js: 0, other: 0 };
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (!sizes) return;
    const kind = request.url().endsWith('.wasm') ? 'wasm' : /\.m?js$/.test(request.url()) ? 'js' : 'other';
    bytes[kind] += sizes.responseBodySize;
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__firstGraph !== undefined, null, { timeout: 60_000 });
  const ms = await page.evaluate(() => window.__firstGraph);
  await context.close();
  return { ms, bytes };
}

const args = process.argv.slice(2);
const throttle = args.includes('--throttle');
const jsonata = args.includes('--jsonata');
const pagePath = args.includes('--embed') ? 'embed.html' : '';
const [baseUrl, count = '5'] = args.filter((a) => !a.startsWith('--'));
if (!baseUrl) {
  console.error('usage: node tests/e2e/perf/first-load.mjs <baseUrl> [loads=5] [--throttle] [--jsonata | --embed]');
  process.exit(2);
}
const browser = await launchChromium();
const times = [];
try {
  // One load first to warm the server's and the OS's file caches; not counted.
  await load(browser, `${baseUrl.replace(/\/$/, '')}/${pagePath}`, throttle, jsonata);
  for (let i = 0; i < Number(count); i++) {
    const { ms, bytes } = await load(browser, `${baseUrl.replace(/\/$/, '')}/${pagePath}`, throttle, jsonata);
    times.push(ms);
    const kb = (n) => (n / 1024).toFixed(1);
    console.log(
      `load ${i + 1}: first graph after ${ms.toFixed(0)} ms (transferred: wasm ${kb(bytes.wasm)} KiB, JS ${kb(bytes.js)} KiB, other ${kb(bytes.other)} KiB)`,
    );
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`first-load${jsonata ? ' (JSONata workspace)' : ''}${pagePath ? ' (embed.html)' : ''}${throttle ? ' (10 Mbit/s, 40 ms)' : ''}: median ${median.toFixed(0)} ms over ${times.length} loads`);
