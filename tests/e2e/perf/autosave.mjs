// Autosave while typing, with a 1 MB imported recording kept in the workspace: per keystroke in
// the definition editor, the bytes the page writes to localStorage, the time spent inside
// localStorage.setItem, and the time from the key going down to the workspace being written
// (which includes the editor, the render and the autosave itself). A measurement to print, not a
// test: it never fails on a slow machine.
//
//   node tests/e2e/perf/autosave.mjs <baseUrl> [keys=30]
//
// The recording is the recording crate's sync-child fixture, its history grown to 999,000 bytes
// of text in all with whitespace after its last page (which an import skips; its newlines and
// tabs are escaped in the saved form, as a real history's are). Prints medians over the keys.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../chromium.mjs';

const tid = (id) => `[data-testid="${id}"]`;
const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '../../../crates/recording/tests/fixtures/sync-child');
const FILES = ['history.json', 'execution.json', 'machine.json', 'child-history.json', 'child-execution.json', 'child-machine.json'];
const BYTES = 999_000;
const KEY = 'stepwise.workspace.v1';

// In the page before its scripts: every keydown, and every localStorage write with its time.
const OBSERVE = () => {
  window.perf = { keys: [], writes: [] };
  addEventListener('keydown', () => window.perf.keys.push(performance.now()), true);
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) {
    const text = String(v);
    const t0 = performance.now();
    const out = setItem.call(this, k, text);
    window.perf.writes.push({ k, n: text.length, t0, t1: performance.now() });
    return out;
  };
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

const [baseUrl, keysArg] = process.argv.slice(2);
if (!baseUrl) {
  console.error('usage: node tests/e2e/perf/autosave.mjs <baseUrl> [keys=30]');
  process.exit(2);
}
const KEYS = Number(keysArg ?? 30);

const files = FILES.map((name) => ({ name, text: readFileSync(join(fixtures, name), 'utf8') }));
const have = files.reduce((n, f) => n + Buffer.byteLength(f.name) + Buffer.byteLength(f.text), 0);
files[0].text += ' \n\t   \n'.repeat(Math.ceil((BYTES - have) / 7)).slice(0, BYTES - have);

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.addInitScript(OBSERVE);
  await page.goto(`${baseUrl}/`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator(tid('machines-panel')).waitFor();
  await page.click(tid('import-execution'));
  await page.setInputFiles(tid('import-execution-files'), files.map(({ name, text }) => ({
    name, mimeType: 'application/json', buffer: Buffer.from(text),
  })));
  await page.locator(tid('import-execution-loaded')).filter({ hasText: FILES.join(', ') }).waitFor();
  await page.click(tid('import-execution-go'));
  await page.locator(`${tid('rec-exec-main')}[data-source="recorded"]`).waitFor();
  const kept = await page.evaluate(() => Object.keys(localStorage).map((k) => [k, localStorage.getItem(k).length]));
  await page.locator(`${tid('definition-editor')}[data-editor="codemirror"]`).waitFor();
  await page.locator(tid('definition')).focus();
  await page.keyboard.press('Control+End');
  await page.waitForTimeout(500);
  await page.evaluate(() => { window.perf.keys = []; window.perf.writes = []; });
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.type(' ');
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(500);
  const { keys, writes } = await page.evaluate(() => window.perf);
  const rows = keys.map((t, i) => {
    const end = keys[i + 1] ?? Infinity;
    const mine = writes.filter((w) => w.t0 >= t && w.t0 < end);
    const saved = mine.find((w) => w.k === KEY);
    return {
      bytes: mine.reduce((n, w) => n + w.n, 0),
      setItem: mine.reduce((n, w) => n + (w.t1 - w.t0), 0),
      latency: saved ? saved.t1 - t : NaN,
      writes: mine.length,
    };
  });
  console.log(`stored after the import: ${JSON.stringify(kept)}`);
  console.log(`${rows.length} keystrokes, ${rows.filter((r) => r.writes > 0).length} with a write`);
  console.log(`per keystroke (median): ${median(rows.map((r) => r.bytes))} characters written, ` +
    `${median(rows.map((r) => r.setItem)).toFixed(2)} ms in setItem, ` +
    `${median(rows.map((r) => r.latency)).toFixed(2)} ms from keydown to the workspace written`);
} finally {
  await browser.close();
}
