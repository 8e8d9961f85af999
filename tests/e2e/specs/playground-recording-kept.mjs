// An imported recording is kept as the machines are (issue 20, "never lose work"): autosaved
// beside the workspace under a key of its own (written when it changes, not on every keystroke),
// back after a reload (and replayable), carried by a share link and by Restore. A workspace
// saved before that split (the recording inside) opens the same and is split on its next save.
// A damaged store opens the machines without it, says so and sets what was saved aside; an
// import over the size a workspace keeps stays on show but is not saved, and the user is told.
//
// The inputs are the recording crate's sync-child fixture (see playground-recording).
import {
  inOtherBrowser, openClean, readSyncChild as read, shareLink, storedWorkspace, SYNC_CHILD_FILES as FILES, tid,
  WORKSPACE_KEY as KEY,
} from '../lib/playground.mjs';

const RKEY = 'stepwise.workspace.v1.recording';
const ASIDE = 'stepwise.workspace.corrupt.';

export default async function playgroundRecordingKept(page, baseUrl, { assert, assertEqual, screenshot, problems, editorReady }) {
  // Every localStorage write the page makes: key and length.
  await page.addInitScript(() => {
    window.stepwiseWrites = [];
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k, v) {
      window.stepwiseWrites.push([k, String(v).length]);
      return setItem.call(this, k, v);
    };
  });
  await openClean(page, baseUrl);
  await page.locator(tid('machines-panel')).waitFor();
  const notice = () => page.locator(tid('notice')).innerText();
  const parent = page.locator(`${tid('rec-exec-main')}[data-source="recorded"]`);
  const child = page.locator(`${tid('rec-exec-child')}[data-source="recorded"]`);
  const stored = (key = KEY) => storedWorkspace(page, key);
  const aside = () => page.evaluate((p) => Object.keys(localStorage).filter((k) => k.startsWith(p)).map((k) => localStorage.getItem(k)), ASIDE);
  const writes = () => page.evaluate(() => window.stepwiseWrites.splice(0));
  const setStorage = (entries) => page.evaluate(([p, entries]) => {
    for (const key of Object.keys(localStorage)) if (key.startsWith(p)) localStorage.removeItem(key);
    for (const [k, v] of entries) if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v);
  }, [ASIDE, entries]);
  const recordingOnShow = async (what) => {
    await parent.waitFor();
    assertEqual(await parent.getAttribute('data-status'), 'SUCCEEDED', `the recorded parent ${what}`);
    assertEqual(await child.getAttribute('data-status'), 'SUCCEEDED', `its child ${what}`);
  };
  const importFiles = async (files) => {
    await page.click(tid('import-execution'));
    await page.locator(tid('import-execution-dialog')).waitFor();
    await page.setInputFiles(tid('import-execution-files'), files.map(({ name, text }) => ({
      name, mimeType: 'application/json', buffer: Buffer.from(text),
    })));
    await page.locator(tid('import-execution-loaded')).filter({ hasText: files.map((f) => f.name).join(', ') }).waitFor();
    await page.click(tid('import-execution-go'));
    await page.locator(tid('import-execution-dialog')).waitFor({ state: 'detached' });
  };

  // Imported: saved beside the workspace, every text as given; the workspace points at it.
  await importFiles(FILES.map((name) => ({ name, text: read(name) })));
  await parent.waitFor();
  const saved = await stored();
  const rec = await stored(RKEY);
  assertEqual(saved.recording, undefined, 'the workspace key holds no recording');
  assert(saved.recordingStored?.bytes > 0, 'it points at the recording key');
  assertEqual(rec.map((s) => s.name), FILES, 'the saved recording names its files');
  assert(rec.every((s, i) => s.text === read(FILES[i])), 'each text saved byte for byte');

  // Typing writes the workspace alone; a reload after it brings the recording back.
  await editorReady();
  await page.locator(tid('definition')).focus();
  await page.keyboard.press('Control+End');
  await writes();
  for (const key of '     ') await page.keyboard.type(key);
  await page.waitForFunction((k) => JSON.parse(localStorage.getItem(k)).machines[0].definition.endsWith('     '), KEY);
  const typed = await writes();
  assert(typed.length >= 5 && typed.every(([k, n]) => k === KEY && n < 20_000), `writes while typing: ${JSON.stringify(typed)}`);
  await page.reload();
  await recordingOnShow('after typing and a reload');
  await page.click(tid('tab-recording'));
  await page.click(tid('replay'));
  await page.locator(tid('replay-verdict')).waitFor();
  assert((await page.locator(tid('replay-verdict')).innerText()).startsWith('No divergence'), 'it replays after a reload');
  await screenshot('1-after-reload');

  // A share link carries it to another browser.
  await inOtherBrowser(page, await shareLink(page), async (friend) => {
    await friend.locator(`${tid('rec-exec-child')}[data-source="recorded"]`).waitFor();
    assertEqual(await friend.locator(`${tid('rec-exec-main')}[data-source="recorded"]`).getAttribute('data-status'), 'SUCCEEDED', 'from the share link');
    // The shared workspace keeps its recording under its own key too, and `#shared` brings it back.
    const linkStored = await friend.evaluate(() => [localStorage.getItem('stepwise.link.v1'), localStorage.getItem('stepwise.link.v1.recording')]);
    assertEqual(JSON.parse(linkStored[0]).recording, undefined, 'the shared workspace key holds no recording');
    assertEqual(JSON.parse(linkStored[1]).map((s) => s.name), FILES, 'the shared recording, under its own key');
    await friend.reload();
    await friend.locator(`${tid('rec-exec-child')}[data-source="recorded"]`).waitFor();
    assertEqual(new URL(friend.url()).hash, '#shared', 'still the shared workspace');
  });

  // Saved before the split, the recording inside the workspace: it opens the same, and the next
  // save (at once) splits it.
  const split = await stored();
  const old = { ...split, recording: rec };
  delete old.recordingStored;
  const good = JSON.stringify(old, null, 2);
  await setStorage([[KEY, good], [RKEY, null]]);
  await page.reload();
  await recordingOnShow('saved before the split');
  await page.waitForFunction((k) => localStorage.getItem(k) !== null, RKEY);
  const migrated = await stored();
  assertEqual(migrated.recording, undefined, 'split: no recording in the workspace key');
  delete migrated.recordingStored;
  delete old.recording;
  assertEqual(migrated, old, 'the same workspace');
  assertEqual(await stored(RKEY), rec, 'the same recording, under its own key');

  // Its recording key damaged (cut short): the machines open without it, the notice says why,
  // and the damaged text is set aside, not lost.
  const cut = JSON.stringify(rec).slice(0, 300);
  await setStorage([[RKEY, cut]]);
  await page.reload();
  await page.locator(tid('machine-tab-child')).waitFor();
  const damaged = await notice();
  assert(damaged.includes('The recorded executions saved with the workspace could not be read') && damaged.includes('set aside'), `notice: ${damaged}`);
  assertEqual(await parent.count(), 0, 'no recording on show');
  assertEqual(await aside(), [cut], 'the damaged text is set aside as it was');
  assertEqual(await page.evaluate((k) => localStorage.getItem(k), RKEY), null, 'and no longer under the key');
  assertEqual((await stored()).recordingStored, undefined, 'the workspace is saved again without it');

  // A recording key without its workspace: set aside too, and the default example opens.
  await setStorage([[KEY, null], [RKEY, JSON.stringify(rec)]]);
  await page.reload();
  await page.locator(tid('machine-tab-Parent')).waitFor();
  const orphan = await notice();
  assert(orphan.includes('without a workspace') && orphan.includes('set aside'), `notice: ${orphan}`);
  assertEqual(await aside(), [JSON.stringify(rec)], 'the recording is set aside as it was');

  // Damaged inside a workspace saved before the split: a history cut short, then a recording
  // that is not a list. The same: opened without it, said, set aside.
  for (const [damage, why] of [
    [(w) => { w.recording[0].text = w.recording[0].text.slice(0, 200); }, 'history.json:'],
    [(w) => { w.recording = 42; }, 'not a list'],
  ]) {
    const w = JSON.parse(good);
    damage(w);
    const text = JSON.stringify(w);
    await setStorage([[KEY, text], [RKEY, null]]);
    await page.reload();
    await page.locator(tid('machine-tab-child')).waitFor();
    assertEqual(await page.locator(tid('machine-tab-main')).count(), 1, 'the machines open');
    const said = await notice();
    assert(said.includes('The recorded executions saved with the workspace could not be read') && said.includes(why) && said.includes('set aside'), `notice: ${said}`);
    assertEqual(await parent.count(), 0, 'no recording on show');
    assertEqual(await aside(), [text], 'what was saved is set aside as it was');
    assertEqual((await stored()).recording, undefined, 'the workspace is saved again without it');
    assertEqual((await stored()).recordingStored, undefined, 'pointing at none');
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
  assertEqual(await page.evaluate((k) => localStorage.getItem(k), RKEY), null, 'not under its own key either');
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
