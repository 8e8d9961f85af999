// Corrupt and hostile share links and localStorage content: each one is refused with a message
// (or, when valid, opened beside the user's workspace), the page keeps working, nothing runs,
// and the user's own workspace is never changed or dropped — unreadable stored text is set aside
// byte for byte, never deleted.
import { deflateRawSync } from 'node:zlib';
import { tid, WORKSPACE_KEY as KEY } from '../lib/playground.mjs';

const packed = (bytes) => deflateRawSync(bytes).toString('base64url');
const linkOf = (baseUrl, text) => `${baseUrl}/#w=${packed(Buffer.from(text))}`;

const MINE = '{\n  "Comment": "mine",\n    "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}\n}';
const deep = (n) => '['.repeat(n) + ']'.repeat(n);
const PASS = '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}';

export default async function shareLinkHostile(page, baseUrl, { assert, assertEqual, screenshot, problems, editorText }) {
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  const open = async (url) => {
    await page.goto('about:blank');
    await page.goto(url);
    await page.locator(tid('app')).waitFor();
  };
  const notice = async () => ((await page.locator(tid('notice')).count()) ? page.locator(tid('notice')).innerText() : '');
  const stored = (key) => page.evaluate((k) => localStorage.getItem(k), key);

  await open(`${baseUrl}/`);
  await page.evaluate(() => localStorage.clear());
  await open(`${baseUrl}/`);
  await page.fill(tid('definition'), MINE);
  const mineStored = await stored(KEY);

  const refused = [
    ['not base64url', `${baseUrl}/#w=%%%not*base64`],
    ['not deflate', `${baseUrl}/#w=${Buffer.from('just some bytes, not deflate at all').toString('base64url')}`],
    ['a deflate bomb (40 MB of spaces)', `${baseUrl}/#w=${packed(Buffer.alloc(40 * 1024 * 1024, 32))}`],
    ['not UTF-8', `${baseUrl}/#w=${packed(Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0xc3]))}`],
    ['deeply nested JSON', linkOf(baseUrl, `{"version":1,"machines":[{"name":"A","definition":${deep(100000)}}]}`)],
    ['a version as a string', linkOf(baseUrl, '{"version":"1","machines":[]}')],
    ['machines as a string', linkOf(baseUrl, '{"version":1,"machines":"x"}')],
    ['a name as a number', linkOf(baseUrl, '{"version":1,"machines":[{"name":5,"definition":{}}]}')],
    ['null', linkOf(baseUrl, 'null')],
    ['a future version', linkOf(baseUrl, '{"version":99,"machines":[]}')],
    // Versions and aliases are checked as the engine checks them; the notice gives its reason.
    ['an alias routing to a missing version', linkOf(baseUrl, JSON.stringify({ version: 1, machines: [{ name: 'C', definition: PASS,
      versions: [{ number: 1, definition: PASS }], aliases: [{ name: 'live', routing: [{ version: 7, weight: 100 }] }] }] })), 'ResourceNotFound'],
    ['alias weights not adding up to 100', linkOf(baseUrl, JSON.stringify({ version: 1, machines: [{ name: 'C', definition: PASS,
      versions: [{ number: 1, definition: PASS }, { number: 2, definition: PASS }],
      aliases: [{ name: 'live', routing: [{ version: 1, weight: 90 }, { version: 2, weight: 90 }] }] }] })), 'add up to 100'],
    ['a version that is no definition', linkOf(baseUrl, JSON.stringify({ version: 1, machines: [{ name: 'C', definition: PASS,
      versions: [{ number: 1, definition: '<script>alert(4)</script>' }] }] })), 'InvalidDefinition'],
    ['a version numbered 0', linkOf(baseUrl, JSON.stringify({ version: 1, machines: [{ name: 'C', definition: PASS,
      versions: [{ number: 0, definition: PASS }] }] })), 'ValidationException'],
    ['a version number too large', linkOf(baseUrl, '{"version":1,"machines":[{"name":"C","definition":"{}","versions":[{"number":99999999999,"definition":"{}"}]}]}'), 'number'],
  ];
  for (const [what, url, why] of refused) {
    await open(url);
    await page.locator(tid('notice')).waitFor();
    const text = await notice();
    assert(/shared link/i.test(text) && /own workspace is open/i.test(text), `${what}: notice was ${JSON.stringify(text)}`);
    if (why) assert(text.includes(why), `${what}: the notice does not say why (${why}): ${JSON.stringify(text)}`);
    assertEqual(await page.locator(tid('shared-banner')).count(), 0, `${what}: shared banner`);
    assertEqual(await editorText('definition'), MINE, `${what}: my definition on screen`);
    assertEqual(await stored(KEY), mineStored, `${what}: my stored workspace`);
    assertEqual(new URL(page.url()).hash, '', `${what}: the bad fragment is dropped from the address`);
  }
  await screenshot('1-refused-link');

  // Valid but hostile: markup in names and text, a definition nested 100,000 deep, a 1 MB one. Opened as a shared
  // workspace, shown as text, mine untouched.
  const hostile = JSON.stringify({
    version: 1,
    machines: [
      { name: '<img src=x onerror=alert(1)>', definition: '<script>alert(2)</script>' },
      { name: 'Deep', definition: deep(100000) },
      { name: 'Big', definition: JSON.stringify({ Comment: 'x'.repeat(1_000_000), StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) },
    ],
    input: '"</textarea><script>alert(3)</script>"',
  });
  await open(linkOf(baseUrl, hostile));
  await page.locator(tid('shared-banner')).waitFor();
  assertEqual(await editorText('definition'), '<script>alert(2)</script>', 'hostile text is shown as text');
  assertEqual(await page.locator('img[src="x"]').count(), 0, 'no markup from the link is rendered');
  await page.click(tid('machine-tab-Deep'));
  await page.locator(tid('diagnostic')).first().waitFor();
  await page.click(tid('machine-tab-Big'));
  assertEqual((await editorText('definition')).length > 1_000_000, true, 'the big definition opens');
  assertEqual(await stored(KEY), mineStored, 'my stored workspace while a hostile link is open');
  await page.click(tid('shared-back'));
  assertEqual(await editorText('definition'), MINE, 'my definition after leaving the hostile link');
  await screenshot('2-after-hostile');

  // Corrupt and hostile localStorage: each unreadable value is set aside unchanged and reported.
  const corruptSaved = [
    'garbage {',
    `{"version":1,"machines":[{"name":"A","definition":${deep(50000)}}]}`,
    '{"version":1,"machines":{"A":1}}',
    '{"version":1,"machines":[{"name":["A"],"definition":"{}"}]}',
    '{"version":1,"machines":[{"name":"A","definition":"{}","versions":[{"number":1,"definition":"{}"}]}]}',
    '{"version":1,"machines":[{"name":"A","definition":"{}","aliases":[{"name":"live","routing":[{"version":1,"weight":100}]}]}]}',
  ];
  for (const bad of corruptSaved) {
    await page.evaluate(([k, v]) => {
      for (const key of Object.keys(localStorage)) if (key.startsWith('stepwise.workspace.corrupt.')) localStorage.removeItem(key);
      localStorage.setItem(k, v);
    }, [KEY, bad]);
    await open(`${baseUrl}/`);
    await page.locator(tid('notice')).waitFor();
    assert((await notice()).includes('set aside'), `stored ${bad.slice(0, 40)}: notice was ${JSON.stringify(await notice())}`);
    const aside = await page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith('stepwise.workspace.corrupt.')).map((k) => localStorage.getItem(k)),
    );
    assert(aside.includes(bad), `stored ${bad.slice(0, 40)}: not set aside unchanged`);
    await page.locator(tid('machine-tab-Parent')).waitFor();
  }

  // A broken Restore list and a broken shared workspace behind #shared.
  await page.evaluate(() => {
    localStorage.setItem('stepwise.previous.v1', '{"not":"a list"}');
    localStorage.setItem('stepwise.link.v1', '[1, 2]');
  });
  await open(`${baseUrl}/#shared`);
  await page.locator(tid('notice')).waitFor();
  assert((await notice()).includes('set aside'), `#shared with a broken shared workspace: ${await notice()}`);
  assertEqual(await page.locator(tid('shared-banner')).count(), 0, 'no banner for a broken shared workspace');
  await page.click(tid('restore'));
  await page.locator(tid('restore-dialog')).waitFor();
  assert((await page.locator(tid('restore-dialog')).innerText()).includes('set aside'), 'the broken Restore list is reported');
  await screenshot('3-broken-storage');
  await page.click(tid('restore-close'));
  // The app still works: start and step.
  await page.click(tid('start'));
  await page.locator(tid('exec-Parent')).waitFor();

  assertEqual(dialogs, [], 'no script from a link or storage ran');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
