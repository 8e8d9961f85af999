// An imported recording is kept as the machines are (issue 20, "never lose work"): autosaved with
// the workspace, back after a reload (and replayable), carried by a share link and by Restore.
// A damaged store opens the machines without it, says so and sets what was saved aside; an
// import over the size a workspace keeps stays on show but is not saved, and the user is told.
//
// The inputs are the recording crate's sync-child fixture (see playground-recording).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const tid = (id) => `[data-testid="${id}"]`;
const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '../../../crates/recording/tests/fixtures/sync-child');
const FILES = ['history.json', 'execution.json', 'machine.json', 'child-history.json', 'child-execution.json', 'child-machine.json'];
const read = (f) => readFileSync(join(fixtures, f), 'utf8');
const KEY = 'stepwise.workspace.v1';

export default async function playgroundRecordingKept(page, baseUrl, { assert, assertEqual, screenshot, problems }) {
  await page.goto(`${baseUrl}/`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator(tid('machines-panel')).waitFor();
  const notice = () => page.locator(tid('notice')).innerText();
  const parent = page.locator(`${tid('rec-exec-main')}[data-source="recorded"]`);
  const child = page.locator(`${tid('rec-exec-child')}[data-source="recorded"]`);
  const stored = async () => JSON.parse(await page.evaluate((k) => localStorage.getItem(k), KEY));
  const importFiles = async (files) => {
    await page.click(tid('import-execution'));
    await page.locator(tid('import-execution-dialog')).waitFor();
    await page.setInputFiles(tid('import-execution-files'), files.map(({ name, text }) => ({
      name, mimeType: 'application/json', buffer: Buffer.from(text),
    })));
    await page.locator(tid('import-execution-loaded')).filter({ hasText: files[files.length - 1].name }).waitFor();
    await page.click(tid('import-execution-go'));
    await page.locator(tid('import-execution-dialog')).waitFor({ state: 'detached' });
  };

  // Imported: saved with the workspace, every text as given.
  await importFiles(FILES.map((name) => ({ name, text: read(name) })));
  await parent.waitFor();
  const saved = await stored();
  assertEqual(saved.recording.map((s) => s.name), FILES, 'the saved recording names its files');
  assert(saved.recording.every((s, i) => s.text === read(FILES[i])), 'each text saved byte for byte');

  // A reload brings it back, linked as before, and it replays.
  await page.reload();
  await parent.waitFor();
  assertEqual(await parent.getAttribute('data-status'), 'SUCCEEDED', 'the recorded parent after a reload');
  assertEqual(await child.getAttribute('data-status'), 'SUCCEEDED', 'its child after a reload');
  await page.click(tid('tab-recording'));
  await page.click(tid('replay'));
  await page.locator(tid('replay-verdict')).waitFor();
  assert((await page.locator(tid('replay-verdict')).innerText()).startsWith('No divergence'), 'it replays after a reload');
  await screenshot('1-after-reload');

  // A share link carries it to another browser.
  await page.click(tid('share'));
  const link = await page.locator(tid('share-link')).inputValue();
  await page.keyboard.press('Escape');
  const other = await page.context().browser().newContext();
  try {
    const friend = await other.newPage();
    await friend.goto(link);
    await friend.locator(`${tid('rec-exec-child')}[data-source="recorded"]`).waitFor();
    assertEqual(await friend.locator(`${tid('rec-exec-main')}[data-source="recorded"]`).getAttribute('data-status'), 'SUCCEEDED', 'from the share link');
  } finally {
    await other.close();
  }

  // Damaged in storage: a history cut short, then a recording that is not a list. The machines
  // open without it, the notice says why, and what was saved is set aside, not lost.
  const good = JSON.stringify(saved);
  for (const [damage, why] of [
    [(w) => { w.recording[0].text = w.recording[0].text.slice(0, 200); }, 'history.json:'],
    [(w) => { w.recording = 42; }, 'not a list'],
  ]) {
    const w = JSON.parse(good);
    damage(w);
    const text = JSON.stringify(w);
    await page.evaluate(([k, t]) => {
      for (const key of Object.keys(localStorage)) if (key.startsWith('stepwise.workspace.corrupt.')) localStorage.removeItem(key);
      localStorage.setItem(k, t);
    }, [KEY, text]);
    await page.reload();
    await page.locator(tid('machine-tab-child')).waitFor();
    assertEqual(await page.locator(tid('machine-tab-main')).count(), 1, 'the machines open');
    const said = await notice();
    assert(said.includes('The recorded executions saved with the workspace could not be read') && said.includes(why) && said.includes('set aside'), `notice: ${said}`);
    assertEqual(await parent.count(), 0, 'no recording on show');
    const aside = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('stepwise.workspace.corrupt.')).map((k) => localStorage.getItem(k)));
    assertEqual(aside, [text], 'what was saved is set aside as it was');
    assertEqual((await stored()).recording, undefined, 'the workspace is saved again without it');
  }
  await screenshot('2-damaged');

  // Too large to keep: on show, with a notice; the machines are saved without it.
  await page.evaluate(([k, t]) => localStorage.setItem(k, t), [KEY, good]);
  await page.reload();
  await parent.waitFor();
  const padded = FILES.map((name) => ({ name, text: read(name) }));
  padded[0].text += ' '.repeat(1_100_000);
  await importFiles(padded);
  await parent.waitFor();
  const big = await notice();
  assert(big.includes('Imported 2 recorded executions') && big.includes('(1.1 MB of text) are over the 1.0 MB a workspace keeps'), `notice: ${big}`);
  await page.click(tid('tab-recording'));
  assert((await page.locator(tid('recording-not-kept')).innerText()).includes('will not come back after a reload'), 'the Recording tab says so too');
  const unsaved = await stored();
  assertEqual(unsaved.recording, undefined, 'not saved');
  assertEqual(unsaved.machines.map((m) => m.name), ['main', 'child'], 'the machines are');
  await screenshot('3-too-large');
  await page.reload();
  await page.locator(tid('machine-tab-child')).waitFor();
  assertEqual(await parent.count(), 0, 'gone after a reload, as announced');

  // Restore gives back the workspace the large import replaced, recording included.
  await page.click(tid('restore'));
  await page.locator(tid('restore-item')).filter({ hasText: 'Before you imported an execution' }).first().locator(tid('restore-open')).click();
  await parent.waitFor();
  assertEqual(await child.getAttribute('data-status'), 'SUCCEEDED', 'restored with its recording');

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
