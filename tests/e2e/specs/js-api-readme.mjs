// The README's JavaScript API example runs as written: the text of
// crates/wasm/js/readme-example.mjs must appear verbatim in README.md, and that module, run as a
// page script next to the built package (dist/pkg/), logs what its comments say.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

export default async function jsApiReadme(page, baseUrl, { assert, assertEqual, problems }) {
  const example = await readFile(join(root, 'crates/wasm/js/readme-example.mjs'), 'utf8');
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  assert(
    readme.includes(example.trim()),
    'README.md does not contain crates/wasm/js/readme-example.mjs verbatim (paste it into the JavaScript API section)',
  );

  const logs = [];
  page.on('console', async (message) => {
    if (message.type() === 'log') logs.push(Promise.all(message.args().map((a) => a.jsonValue())));
  });
  // Any page of the site gives the example its base URL, so `./pkg/...` resolves as in the README.
  const response = await page.goto(`${baseUrl}/embed.html`);
  assert(response && response.ok(), `GET /embed.html answered ${response && response.status()}`);
  const finished = page.waitForEvent('console', { predicate: (m) => m.text() === 'TaskDoesNotExist' });
  await page.addScriptTag({ type: 'module', content: example });
  await finished;

  const lines = await Promise.all(logs);
  assertEqual(lines[0], [{ idle: 'WaitingForOutside' }], 'first runUntilIdle');
  assertEqual(lines[1], [{ idle: 'WaitingForTimer', until: '2025-01-02T00:00:00.000Z' }], 'second runUntilIdle');
  assertEqual(lines[2], ['SUCCEEDED', { approved: true }], 'status and output');
  assertEqual(
    lines[3],
    [[
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded',
      'TaskStateExited', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded',
    ]],
    'history',
  );
  assertEqual(lines[4], ['TaskDoesNotExist'], 'the spent token');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
