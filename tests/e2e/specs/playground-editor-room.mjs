// The definition editor is the dominant area on laptop screens (issue 20): at 1280×800 it shows
// at least 25 lines, at 1366×768 and 1440×900 most of the left column; the Input panel under it
// is one line until opened (from the mouse or the keyboard, remembered across reloads), and the
// message bar takes no room while there is no message. On a phone and at 800×600 the input
// opens and is edited the same way, and the page is no wider than the screen.
import { openClean, runToEnd, tid } from '../lib/playground.mjs';

// A definition longer than any screen: 12 Pass states, about 60 lines once pretty-printed.
const LONG = JSON.stringify({
  Comment: 'A long machine',
  StartAt: 'S0',
  States: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`S${i}`,
    i < 11 ? { Type: 'Pass', Result: { step: i }, Next: `S${i + 1}` } : { Type: 'Succeed' }])),
}, null, 2);

/** Lines of the definition editor wholly in view. */
const visibleLines = (page) => page.evaluate(() => {
  const host = document.querySelector('[data-testid="definition-editor"]');
  const box = host.querySelector('.cm-scroller').getBoundingClientRect();
  return [...host.querySelectorAll('.cm-line')].filter((l) => {
    const r = l.getBoundingClientRect();
    return r.height > 0 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
  }).length;
});

export default async function editorRoom(page, baseUrl, { assert, assertEqual, screenshot, problems, editorReady, editorText }) {
  await openClean(page, baseUrl);
  await editorReady();
  await page.fill(tid('definition'), LONG);
  await page.locator(tid('diagnostics-ok')).waitFor();

  // --- Laptop sizes: the editor has the room; no message bar while there is no message. ------
  for (const [width, height, least] of [[1280, 800, 25], [1366, 768, 23], [1440, 900, 29]]) {
    await page.setViewportSize({ width, height });
    await page.waitForFunction(() => document.querySelector('.notice-slot')?.getBoundingClientRect().height === 0)
      .catch(() => {});
    const lines = await visibleLines(page);
    assert(lines >= least, `${width}×${height}: the editor shows ${lines} lines (at least ${least} wanted)`);
    const gap = await page.evaluate(() => document.querySelector('.layout').getBoundingClientRect().top
      - document.querySelector('[data-testid="header"]').getBoundingClientRect().bottom);
    assert(gap < 2, `${width}×${height}: ${gap} px between the header and the panels with no message`);
    assertEqual(await page.getAttribute(tid('input-toggle'), 'aria-expanded'), 'false', 'the input starts closed');
    await screenshot(`${width}x${height}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assertEqual(await page.locator(tid('input-summary')).innerText(), '{}', 'the closed input shows its text');

  // --- The input from the keyboard: from the editor, Escape then Tab moves on, and Tab reaches
  // the toggle; Enter opens it. ----------------------------------------------------------------
  await page.click(tid('definition'));
  await page.keyboard.press('Escape');
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'input-toggle');
  }
  assert(reached, 'Tab reaches the Input toggle');
  await page.keyboard.press('Enter');
  assertEqual(await page.getAttribute(tid('input-toggle'), 'aria-expanded'), 'true', 'Enter opens the input');
  await page.locator(tid('input')).waitFor({ state: 'visible' });
  await editorReady('input');
  await page.fill(tid('input'), '{"who": "layout"}');
  const open = await page.locator(tid('input-panel')).boundingBox();
  assert(open.height >= 150 && open.y + open.height <= 800, `the open input is on screen: ${JSON.stringify(open)}`);
  assert(await visibleLines(page) >= 12, 'the editor keeps room while the input is open');
  await screenshot('input-open');

  // Start runs with it; the message shows above the panels without covering the run controls.
  await page.click(tid('machine-tab-HelloWorld'));
  await page.selectOption(tid('entry-select'), 'HelloWorld');
  await page.click(tid('start'));
  await page.locator(tid('notice')).waitFor();
  const [notice, run] = await Promise.all([tid('notice'), tid('run-controls')].map((s) => page.locator(s).boundingBox()));
  assert(notice.y + notice.height <= run.y, `the message (${JSON.stringify(notice)}) is above the run controls (${JSON.stringify(run)})`);
  await runToEnd(page, 'HelloWorld', 'SUCCEEDED');
  await page.click(tid('exec-HelloWorld'));
  assert((await page.locator(tid('exec-input')).innerText()).includes('layout'), 'the execution got the typed input');

  // Remembered: open after a reload; closed again, it shows the text in one line.
  await page.reload();
  await page.locator(`${tid('input-toggle')}[aria-expanded="true"]`).waitFor();
  assertEqual(JSON.parse(await editorText('input')), { who: 'layout' }, 'the input after a reload');
  await page.click(tid('input-toggle'));
  await page.locator(tid('input-summary')).filter({ hasText: '{"who": "layout"}' }).waitFor();
  await page.reload();
  await page.locator(`${tid('input-toggle')}[aria-expanded="false"]`).waitFor();

  // --- A phone and a small window. -----------------------------------------------------------
  for (const [width, height] of [[390, 844], [800, 600]]) {
    await page.setViewportSize({ width, height });
    const at = `${width}×${height}`;
    assert(await page.evaluate(() => document.documentElement.scrollWidth) <= width, `${at}: no wider than the screen`);
    const editorTop = await page.evaluate(() => document.querySelector('[data-testid="definition"]').getBoundingClientRect().top);
    assert(editorTop < height, `${at}: the editor starts on the first screen (${editorTop})`);
    await page.locator(tid('input-toggle')).scrollIntoViewIfNeeded();
    await page.click(tid('input-toggle'));
    await page.locator(tid('input')).waitFor({ state: 'visible' });
    await page.fill(tid('input'), `{"size": "${at}"}`);
    const box = await page.locator(tid('input-editor')).boundingBox();
    assert(box.height >= 100 && box.x >= 0 && box.x + box.width <= width, `${at}: the input editor ${JSON.stringify(box)}`);
    await screenshot(`input-${width}x${height}`);
    await page.click(tid('input-toggle'));
    await page.locator(tid('input-summary')).filter({ hasText: at }).waitFor();
  }

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
