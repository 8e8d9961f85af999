// The e2e driver: runs every spec of specs/*.mjs against a served build of the playground.
//
//   node tests/e2e/run.mjs <baseUrl> [spec-name ...]
//
// A spec is a module whose default export is `async (page, baseUrl, helpers) => {}`; it throws to
// fail. Each spec gets a fresh browser context. The driver prints `e2e ok <name>` or
// `e2e FAIL <name>: <reason>` per spec (what `cargo xtask test` counts), then `e2e: N passed,
// M failed`, and exits non-zero when a spec failed. Screenshots go to tests/e2e/artifacts/.
// Every file in specs/ is a spec: steps the specs share live in lib/playground.mjs.

import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
const SPEC_TIMEOUT_MS = 60_000;

class AssertionError extends Error {}

function makeHelpers(page, name, problems) {
  return {
    /** Fails the spec with `message` unless `condition` holds. */
    assert(condition, message) {
      if (!condition) throw new AssertionError(message);
    },
    /** Fails unless `actual` and `expected` are equal as JSON. */
    assertEqual(actual, expected, what = 'value') {
      const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
      if (a !== e) throw new AssertionError(`${what}: expected ${e}, got ${a}`);
    },
    /** Saves a PNG of the page as artifacts/<spec>-<label>.png. */
    async screenshot(label) {
      const path = join(artifacts, `${name}-${label}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    /**
     * The exact text of the code editor whose `data-testid` is `testid` (on `on`, this spec's page
     * by default): CodeMirror's document once it has loaded (its screen shows only the lines in
     * view), the textarea's value before.
     */
    async editorText(testid, on = page) {
      return on.locator(`[data-testid="${testid}-editor"]`).evaluate((host) => {
        const editor = host.querySelector('.cm-host')?.stepwiseEditor;
        return editor ? editor.text() : host.querySelector('textarea').value;
      });
    },
    /** Waits until CodeMirror has replaced the textarea of the code editor `testid`. */
    async editorReady(testid = 'definition', on = page) {
      await on.locator(`[data-testid="${testid}-editor"][data-editor="codemirror"]`).waitFor();
    },
    /** Console errors and uncaught exceptions seen so far in this spec's page. */
    problems,
  };
}

async function runSpec(browser, file, baseUrl) {
  const name = basename(file, '.mjs');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  const started = Date.now();
  try {
    const spec = (await import(pathToFileURL(file).href)).default;
    if (typeof spec !== 'function') throw new Error('the module has no default export function');
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${SPEC_TIMEOUT_MS} ms`)), SPEC_TIMEOUT_MS);
    });
    try {
      await Promise.race([spec(page, baseUrl, makeHelpers(page, name, problems)), timeout]);
    } finally {
      clearTimeout(timer);
    }
    console.log(`e2e ok ${name} (${Date.now() - started} ms)`);
    return true;
  } catch (error) {
    const reason = error instanceof AssertionError ? error.message : error.stack || String(error);
    console.log(`e2e FAIL ${name}: ${reason}`);
    for (const problem of problems) console.log(`    ${problem}`);
    await page
      .screenshot({ path: join(artifacts, `${name}-failure.png`), fullPage: true })
      .then(() => console.log(`    screenshot: ${join(artifacts, `${name}-failure.png`)}`))
      .catch(() => {});
    return false;
  } finally {
    await context.close();
  }
}

async function main() {
  const [baseUrl, ...only] = process.argv.slice(2);
  if (!baseUrl) {
    console.error('usage: node tests/e2e/run.mjs <baseUrl> [spec-name ...]');
    process.exit(2);
  }
  await mkdir(artifacts, { recursive: true });
  const specDir = join(here, 'specs');
  const files = (await readdir(specDir))
    .filter((f) => f.endsWith('.mjs'))
    .filter((f) => only.length === 0 || only.includes(basename(f, '.mjs')))
    .sort()
    .map((f) => join(specDir, f));
  if (files.length === 0) {
    console.error(`no spec to run in ${specDir}${only.length ? ` matching ${only.join(', ')}` : ''}`);
    process.exit(2);
  }

  const browser = await launchChromium();
  let passed = 0;
  let failed = 0;
  try {
    for (const file of files) {
      if (await runSpec(browser, file, baseUrl.replace(/\/$/, ''))) passed++;
      else failed++;
    }
  } finally {
    await browser.close();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

await main();
