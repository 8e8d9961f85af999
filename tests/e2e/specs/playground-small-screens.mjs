// A phone (390×844) and a small window (800×600): the page is no wider than the screen, every
// header button sits on the header's dark background (its text is white), and the definition
// editor is on the first screen.
import { tid } from '../lib/playground.mjs';

export default async function smallScreens(page, baseUrl, { assert, screenshot, problems }) {
  for (const [width, height] of [[390, 844], [800, 600]]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${baseUrl}/`);
    await page.locator(tid('app')).waitFor();
    await page.click(tid('start'));
    const m = await page.evaluate(() => {
      const header = document.querySelector('[data-testid="header"]').getBoundingClientRect();
      const buttons = [...document.querySelectorAll('[data-testid="header"] button, [data-testid="header"] .kbd-help')].map((b) => {
        const r = b.getBoundingClientRect();
        return { id: b.getAttribute('data-testid') || b.className, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      });
      return {
        scrollWidth: document.documentElement.scrollWidth,
        header: { left: header.left, right: header.right, top: header.top, bottom: header.bottom },
        headerBg: getComputedStyle(document.querySelector('[data-testid="header"]')).backgroundColor,
        buttons,
        editorTop: document.querySelector('[data-testid="definition"]').getBoundingClientRect().top,
      };
    });
    const at = `${width}×${height}`;
    assert(m.scrollWidth <= width, `${at}: the page is ${m.scrollWidth} px wide`);
    assert(m.headerBg === 'rgb(35, 47, 62)', `${at}: header background ${m.headerBg}`);
    for (const b of m.buttons) {
      const inside = b.left >= m.header.left && b.right <= Math.min(m.header.right, width) && b.top >= m.header.top && b.bottom <= m.header.bottom;
      assert(inside, `${at}: ${b.id} (${JSON.stringify(b)}) is outside the header ${JSON.stringify(m.header)}`);
    }
    assert(m.editorTop < height, `${at}: the definition editor starts ${Math.round(m.editorTop)} px down`);
    await screenshot(`${width}x${height}`);
  }
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
