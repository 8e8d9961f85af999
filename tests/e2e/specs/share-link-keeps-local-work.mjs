// Opening share links never loses what was typed. Someone edits their workspace (odd
// indentation, their own entry machine), reloads, shares it, then opens other people's links in
// the same browser — one of them empty — edits one, reloads, goes back to `/`, keeps one and
// restores their own. Every step checks what is on screen and what localStorage holds, byte for
// byte.
import { deflateRawSync } from 'node:zlib';
import { inOtherBrowser, shareLink, tid, WORKSPACE_KEY as KEY } from '../lib/playground.mjs';

// The playground's own encoding: raw deflate, base64url without padding.
const linkFor = (baseUrl, text) => `${baseUrl}/#w=${deflateRawSync(Buffer.from(text)).toString('base64url')}`;

// What someone typed: tabs, odd spacing, a trailing newline, non-ASCII.
const MINE =
  '{\n\t"Comment": "mine — keep me",\n   "StartAt" :"A",  "States": {"A": {"Type": "Pass", "End": true}}\n}\n';
const THEIRS = JSON.stringify({
  version: 1,
  machines: [
    { name: 'Theirs', definition: '{"StartAt":"T","States":{"T":{"Type":"Succeed"}}}' },
    { name: 'Second', definition: '{"StartAt":"S","States":{"S":{"Type":"Pass","End":true}}}' },
  ],
  entry: 'Second',
});
const THEIRS_EDITED = '{"Comment":"edited in the shared one","StartAt":"T","States":{"T":{"Type":"Succeed"}}}';
const EMPTY = JSON.stringify({ version: 1, machines: [] });

export default async function shareLinkKeepsLocalWork(page, baseUrl, { assert, assertEqual, screenshot, problems, editorText }) {
  // A fresh page load (a hash-only change would not reload the app).
  const open = async (url) => {
    await page.goto('about:blank');
    await page.goto(url);
    await page.locator(tid('app')).waitFor();
  };
  const definition = () => editorText('definition');
  const stored = (key) => page.evaluate((k) => localStorage.getItem(k), key);
  const storedDefinitions = async () => {
    const text = await stored(KEY);
    return text && JSON.parse(text).machines.map((m) => m.definition);
  };
  const banner = () => page.locator(tid('shared-banner')).count();

  await open(`${baseUrl}/`);
  await page.evaluate(() => localStorage.clear());
  await open(`${baseUrl}/`);
  await page.locator(tid('machine-tab-Parent')).waitFor();
  await page.fill(tid('definition'), MINE);
  await page.selectOption(tid('entry-select'), 'HelloWorld');

  // Reload: the text comes back byte for byte, with the chosen entry machine.
  await page.reload();
  await page.locator(tid('machine-tab-Parent')).waitFor();
  assertEqual(await definition(), MINE, 'definition after a reload');
  assertEqual(await page.locator(tid('entry-select')).inputValue(), 'HelloWorld', 'entry machine after a reload');

  // Share it and open the link in another browser: same bytes, same entry machine.
  await inOtherBrowser(page, await shareLink(page), async (friend) => {
    await friend.locator(tid('machine-tab-Parent')).waitFor();
    assertEqual(await editorText('definition', friend), MINE, 'definition opened from the share link');
    assertEqual(await friend.locator(tid('entry-select')).inputValue(), 'HelloWorld', 'entry machine from the share link');
    assert((await friend.locator(tid('shared-banner')).count()) === 1, 'a link opens as a shared workspace');
  });

  // Someone else's link, in this browser: shown beside mine, mine untouched.
  await open(linkFor(baseUrl, THEIRS));
  await page.locator(tid('machine-tab-Theirs')).waitFor();
  assert((await banner()) === 1, 'the shared banner is shown');
  assert((await page.locator(tid('machine-tab-Parent')).count()) === 0, 'my machines are not mixed in');
  assertEqual(await page.locator(tid('entry-select')).inputValue(), 'Second', 'the link selects its entry machine');
  assertEqual(new URL(page.url()).hash, '#shared', 'address while the shared workspace is on screen');
  assertEqual((await storedDefinitions())[0], MINE, 'my stored definition while a link is open');
  await screenshot('1-shared-open');

  // Edit the shared one and reload: the edit is still there (and mine still untouched).
  await page.fill(tid('definition'), THEIRS_EDITED);
  await page.reload();
  await page.locator(tid('machine-tab-Theirs')).waitFor();
  assertEqual(await definition(), THEIRS_EDITED, 'edited shared definition after a reload');
  assertEqual((await storedDefinitions())[0], MINE, 'my stored definition after editing the shared one');

  // Going back to / shows my workspace, byte for byte.
  await open(`${baseUrl}/`);
  await page.locator(tid('machine-tab-Parent')).waitFor();
  assert((await banner()) === 0, 'no banner on my own workspace');
  assertEqual(await definition(), MINE, 'my definition at /');

  // A link holding an empty workspace leaves mine alone too; Back brings mine on screen.
  await open(linkFor(baseUrl, EMPTY));
  await page.locator(tid('shared-banner')).waitFor();
  assert((await page.locator('[data-testid^="machine-tab-"]').count()) === 0, 'the empty workspace has no machine');
  assertEqual((await storedDefinitions())[0], MINE, 'my stored definition while an empty link is open');
  await page.click(tid('shared-back'));
  await page.locator(tid('machine-tab-Parent')).waitFor();
  assertEqual(await definition(), MINE, 'my definition after Back');
  assertEqual(new URL(page.url()).hash, '', 'address after Back');

  // The edited shared workspace, replaced by the empty link, is kept under Restore.
  await page.click(tid('restore'));
  const edited = page.locator(tid('restore-item')).filter({ hasText: 'A shared workspace you had edited' });
  assertEqual(await edited.count(), 1, 'the edited shared workspace is listed');
  assert((await page.locator(tid('restore-shared')).count()) === 1, 'the last shared workspace can be reopened');
  await screenshot('2-restore-dialog');
  await edited.locator(tid('restore-open')).click();
  await page.locator(tid('machine-tab-Theirs')).waitFor();
  assertEqual(await definition(), THEIRS_EDITED, 'the edited shared definition, restored');
  // ...and mine, which that replaced, is listed in turn.
  await page.click(tid('restore'));
  await page.locator(tid('restore-item')).filter({ hasText: 'Before you restored' }).locator(tid('restore-open')).click();
  await page.locator(tid('machine-tab-Parent')).waitFor();
  assertEqual(await definition(), MINE, 'my definition, restored');

  // Keep a shared workspace as mine: mine so far is kept under Restore.
  await open(linkFor(baseUrl, THEIRS));
  await page.click(tid('shared-keep'));
  assert((await banner()) === 0, 'no banner once kept');
  await page.reload();
  await page.locator(tid('machine-tab-Theirs')).waitFor();
  assert((await banner()) === 0, 'the kept workspace is mine after a reload');
  await page.click(tid('restore'));
  await page.locator(tid('restore-item')).filter({ hasText: 'before you kept a shared one' }).locator(tid('restore-open')).click();
  await page.locator(tid('machine-tab-Parent')).waitFor();
  assertEqual(await definition(), MINE, 'my definition, restored after keeping a shared one');
  assertEqual(await page.locator(tid('entry-select')).inputValue(), 'HelloWorld', 'my entry machine, restored');
  await page.reload();
  assertEqual(await definition(), MINE, 'my restored definition after a reload');
  await screenshot('3-mine-back');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
