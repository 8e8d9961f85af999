// The definition editor's undo history belongs to a machine, not to its name (issue 20): a
// renamed machine keeps it, and a new machine given the name of a deleted one starts with none.
import { openClean, tid } from '../lib/playground.mjs';

export default async function undoFollowsMachine(page, baseUrl, { assert, assertEqual, screenshot, problems, editorText, editorReady }) {
  await openClean(page, baseUrl);
  await editorReady();

  const rename = async (name) => {
    await page.click(tid('machine-rename'));
    await page.fill(tid('machine-rename-input'), name);
    await page.press(tid('machine-rename-input'), 'Enter');
    await page.locator(`${tid(`machine-tab-${name}`)}[aria-selected="true"]`).waitFor();
  };
  const edit = async (keys) => {
    await page.click(tid('definition'));
    await page.keyboard.press('Control+End');
    await page.keyboard.type(keys);
  };

  await page.click(tid('machine-add'));
  await page.locator(`${tid('machine-tab-Machine')}[aria-selected="true"]`).waitFor();
  const original = await editorText('definition');
  await edit('\n');
  assertEqual(await editorText('definition'), `${original}\n`, 'edited');

  // Renamed: the same machine, the same history.
  await rename('Renamed');
  await page.click(tid('definition'));
  await page.keyboard.press('Control+z');
  assertEqual(await editorText('definition'), original, 'undo after a rename takes back the edit made before it');
  await page.keyboard.press('Control+Shift+z');
  assertEqual(await editorText('definition'), `${original}\n`, 'and redo brings it back');
  // Undone again: the text is the new-machine text, with a redo step left in this history.
  await page.keyboard.press('Control+z');
  assertEqual(await editorText('definition'), original, 'undone');
  await screenshot('1-renamed');

  // Deleted, then a new machine under the same name and with the same text: a history of its own.
  page.once('dialog', (d) => d.accept());
  await page.click(tid('machine-delete'));
  await page.locator(tid('machine-tab-Renamed')).waitFor({ state: 'detached' });
  await page.click(tid('machine-add'));
  await page.locator(`${tid('machine-tab-Machine')}[aria-selected="true"]`).waitFor();
  await rename('Renamed');
  assertEqual(await editorText('definition'), original, 'the new machine\'s text');
  await page.click(tid('definition'));
  await page.keyboard.press('Control+Shift+z');
  assertEqual(await editorText('definition'), original, 'no redo inherited from the deleted machine');
  await page.keyboard.press('Control+z');
  assertEqual(await editorText('definition'), original, 'no undo inherited from the deleted machine');

  // The history still follows each machine across tab switches.
  await edit(' ');
  await page.click(tid('machine-tab-Parent'));
  await page.click(tid('machine-tab-Renamed'));
  await page.click(tid('definition'));
  await page.keyboard.press('Control+z');
  assertEqual(await editorText('definition'), original, 'undo after switching tabs');
  await screenshot('2-new-machine');

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
