// The definition editor is CodeMirror 6, loaded after the first paint; a user can:
// - type before it has loaded (the textarea) and find the text and the caret in it afterwards,
//   or keep working in the textarea when it cannot load;
// - search and replace, fold a state, undo per machine (after visiting another machine);
// - complete a `Next` value with a state name and a `Resource` with an integration ARN, and the
//   field names a Retry takes;
// - see the validator's diagnostic inline, on the line of a broken `Next`, and hover help;
// - find the text byte for byte after a reload (tabs, odd spacing, non-ASCII, "\r\n").
import { openClean, tid, WORKSPACE_KEY as KEY } from '../lib/playground.mjs';

const DEF = [
  '{',
  '  "Comment": "Editor test \u2014 caf\u00e9 \ud83d\ude00",  ',
  '\t"StartAt": "Wait here",',
  '  "States": {',
  '    "Wait here": {',
  '      "Type": "Wait",',
  '      "Seconds": 5,',
  '      "Next": "Call"',
  '    },',
  '    "Call": {',
  '      "Type": "Task",',
  '      "Resource": "arn:aws:states:::sq",',
  '      "Retry": [{ "ErrorEquals": ["States.ALL"] }],',
  '      "Next": "P"',
  '    },',
  '    "Pass it on": { "Type": "Pass", "Next": "Done" },',
  '    "Done": {   "Type": "Succeed" }',
  '  }',
  '}',
].join('\n');

export default async function playgroundEditor(page, baseUrl, { assert, assertEqual, screenshot, problems, editorText, editorReady }) {
  const stored = () => page.evaluate((k) => JSON.parse(localStorage.getItem(k)).machines.map((m) => m.definition), KEY);
  /** Waits (a little) for the autosave after a render, then checks the first stored machine. */
  const storedFirst = async (expected, what) => {
    await page.waitForFunction(([k, e]) => JSON.parse(localStorage.getItem(k) || '{}').machines?.[0]?.definition === e,
      [KEY, expected], { timeout: 5000 }).catch(() => {});
    assertEqual((await stored())[0], expected, what);
  };
  /** Waits (a little) for the editor to show `expected` after a render, then checks it. */
  const textIs = async (expected, what) => {
    await page.waitForFunction((e) => document.querySelector('[data-testid="definition-editor"] .cm-host')?.stepwiseEditor?.text() === e,
      expected, { timeout: 5000 }).catch(() => {});
    assertEqual(await editorText('definition'), expected, what);
  };
  const content = page.locator(tid('definition'));
  const box = page.locator(tid('definition-editor'));
  const line = (text) => box.locator('.cm-line', { hasText: text });
  /** Selects the first match of `text` with the search panel, then leaves the caret `back`
   * characters before the end of the match. */
  const caretAfter = async (text, back = 0) => {
    await content.focus();
    await page.keyboard.press('Control+f');
    // Typed (the panel reads its fields on keyup and change, which fill() does not send).
    await box.locator('.cm-search input[name="search"]').fill('');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowRight');
    for (let i = 0; i < back; i++) await page.keyboard.press('ArrowLeft');
  };

  // Before the editor has loaded, the textarea takes typing; the switch keeps text and caret.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/editor.js', async (route) => { await held; await route.continue(); });
  await openClean(page, baseUrl);
  await page.click(tid('new-workspace'));
  await page.locator(tid('machine-tab-Machine')).waitFor();
  await page.locator('textarea[data-testid="definition"]').fill(DEF);
  await page.locator('textarea[data-testid="definition"]').evaluate((ta) => ta.setSelectionRange(5, 5));
  assertEqual(await page.locator(tid('definition-editor')).getAttribute('data-editor'), 'textarea', 'before the editor has loaded');
  release();
  await editorReady();
  await page.unroute('**/editor.js');
  assertEqual(await editorText('definition'), DEF, 'the text typed before the switch');
  assert(await content.evaluate((el) => el.contains(document.activeElement)), 'the editor has the focus the textarea had');
  await page.keyboard.type('x');
  assertEqual((await editorText('definition')).slice(0, 7), '{\n  "xC', 'typing goes on at the same caret');
  await page.keyboard.press('Control+z');
  assertEqual(await editorText('definition'), DEF, 'undone');
  await storedFirst(DEF, 'stored as typed');

  // Search and replace: every "Wait here" becomes "Pause"; the graph follows.
  await content.focus();
  await page.keyboard.press('Control+f');
  await box.locator('.cm-search input[name="search"]').fill('Wait here');
  await box.locator('.cm-search input[name="replace"]').fill('Pause');
  await box.locator('.cm-search button[name="replaceAll"]').click();
  const replaced = DEF.replaceAll('Wait here', 'Pause');
  assertEqual(await editorText('definition'), replaced, 'after Replace all');
  await page.locator(tid('state-Pause')).waitFor();
  await page.keyboard.press('Escape');
  await screenshot('1-replaced');

  // Fold the "Call" state from the gutter: its fields leave the screen, not the text.
  // The gutter marker is found beside the line inside the page, in one go, and clicked as an
  // element: coordinates read first and clicked later went stale when the page moved under load.
  await line('"Call": {').scrollIntoViewIfNeeded();
  const marker = await box.evaluateHandle((editor) => {
    const target = [...editor.querySelectorAll('.cm-line')].find((l) => l.textContent.includes('"Call": {'));
    const at = target.getBoundingClientRect();
    const middle = at.top + at.height / 2;
    return [...editor.querySelectorAll('.cm-foldGutter .cm-gutterElement')].find((g) => {
      const r = g.getBoundingClientRect();
      return r.top <= middle && middle < r.bottom;
    });
  });
  await marker.asElement().click();
  await box.locator('.cm-foldPlaceholder').waitFor();
  assertEqual(await line('"Type": "Task"').count(), 0, 'the folded fields are hidden');
  assertEqual(await editorText('definition'), replaced, 'folding leaves the text alone');
  await screenshot('2-folded');
  await box.locator('.cm-foldPlaceholder').click();
  await line('"Type": "Task"').waitFor();

  // Undo history per machine: edit a second machine, come back, undo the replacement here.
  await page.click(tid('machine-add'));
  await page.locator(tid('machine-tab-Machine2')).waitFor();
  const second = await editorText('definition');
  assert(second.includes('"Hello"'), `the new machine's text: ${second}`);
  await caretAfter('"Hello",');
  await page.keyboard.type(' ');
  assertEqual(await editorText('definition'), second.replace('"Hello",', '"Hello", '), 'the second machine edited');
  await page.click(tid('machine-tab-Machine'));
  await textIs(replaced, 'the first machine again');
  await content.focus();
  await page.keyboard.press('Control+z');
  assertEqual(await editorText('definition'), DEF, 'undo in the first machine takes back its own last edit');
  await storedFirst(DEF, 'and the workspace has it');
  await page.keyboard.press('Control+Shift+z');
  assertEqual(await editorText('definition'), replaced, 'redo');
  await page.click(tid('machine-tab-Machine2'));
  await textIs(second.replace('"Hello",', '"Hello", '), 'the second machine again');
  await content.focus();
  await page.keyboard.press('Control+z');
  assertEqual(await editorText('definition'), second, 'undo in the second machine takes back its space');
  await page.click(tid('machine-tab-Machine'));
  await textIs(replaced, 'back to the first machine');

  // Complete a Next value with a state name, by typing.
  await caretAfter('"Next": "P"', 1);
  await page.keyboard.press('Backspace');
  await page.keyboard.type('P');
  const options = box.locator('.cm-tooltip-autocomplete li');
  await options.first().waitFor();
  const names = await options.allInnerTexts();
  assert(names.some((n) => n.includes('Pause')) && names.some((n) => n.includes('Pass it on')), `state names offered: ${names}`);
  assert(!names.some((n) => n.includes('Done')), `only names matching "P": ${names}`);
  await box.locator('.cm-tooltip-autocomplete li', { hasText: 'Pass it on' }).click();
  const withNext = replaced.replace('"Next": "P"', '"Next": "Pass it on"');
  assertEqual(await editorText('definition'), withNext, 'Next completed');

  // Complete a Resource with an integration ARN (asked for with Ctrl+Space).
  await caretAfter(':::sq"', 1);
  await page.keyboard.press('Control+Space');
  await options.first().waitFor();
  const arns = await options.allInnerTexts();
  assert(arns.some((a) => a.includes('arn:aws:states:::sqs:sendMessage.waitForTaskToken')), `ARNs offered: ${arns}`);
  await box.locator('.cm-tooltip-autocomplete li', { hasText: /^arn:aws:states:::sqs:sendMessage$/ }).click();
  const withArn = withNext.replace(':::sq"', ':::sqs:sendMessage"');
  assertEqual(await editorText('definition'), withArn, 'Resource completed');
  await page.locator(tid('diagnostics-ok')).waitFor();
  await screenshot('3-completed');

  // Field names of a retrier: what a Retry takes, not a state's fields.
  await caretAfter('["States.ALL"]');
  await page.keyboard.type(', "Max');
  await options.first().waitFor();
  const fields = await options.allInnerTexts();
  assert(fields.some((f) => f.includes('MaxAttempts')) && fields.some((f) => f.includes('MaxDelaySeconds')), `retrier fields: ${fields}`);
  assert(!fields.some((f) => f.includes('MaxConcurrency')), `no Map fields in a retrier: ${fields}`);
  await box.locator('.cm-tooltip-autocomplete li', { hasText: /^MaxAttempts/ }).click();
  await page.keyboard.type('2');
  const withRetry = withArn.replace('["States.ALL"]', '["States.ALL"], "MaxAttempts": 2');
  assertEqual(await editorText('definition'), withRetry, 'a retrier field completed, with its colon');

  // Hover help on a field name.
  await line('"Seconds": 5').locator('span', { hasText: '"Seconds"' }).first().hover();
  const help = page.locator(tid('editor-help'));
  await help.waitFor();
  assert((await help.innerText()).includes('how long to wait'), `hover help: ${await help.innerText()}`);
  await page.mouse.move(0, 0);

  // A broken Next: the validator's diagnostic is marked inline on its line.
  const broken = withRetry.replace('"Next": "Call"', '"Next": "Nowhere"');
  await content.fill(broken);
  assertEqual(await editorText('definition'), broken, 'the broken definition');
  const brokenLine = line('"Next": "Nowhere"');
  await brokenLine.locator('.cm-lintRange-error').waitFor();
  const lineNo = broken.split('\n').findIndex((l) => l.includes('"Nowhere"')) + 1;
  const panelLines = await page.locator(`${tid('diagnostic')}.error .diag-loc`).allInnerTexts();
  assert(panelLines.some((l) => l.startsWith(`line ${lineNo}:`)), `the panel lists it at line ${lineNo}: ${panelLines}`);
  await brokenLine.locator('.cm-lintRange-error').hover();
  const tip = box.locator('.cm-tooltip-lint');
  await tip.waitFor();
  assert((await tip.innerText()).includes('Nowhere'), `the inline message: ${await tip.innerText()}`);
  await screenshot('4-inline-diagnostic');
  await page.mouse.move(0, 0);
  // Clicking it in the list puts the caret on its line in the editor.
  await content.evaluate((el) => el.blur());
  await page.locator(`${tid('diagnostic')}.error`, { hasText: 'Nowhere' }).click();
  assert(await content.evaluate((el) => el.contains(document.activeElement)), 'the editor has the focus');
  assert((await box.locator('.cm-activeLine').innerText()).includes('"Next": "Nowhere"'), 'the caret is on the broken line');

  // Byte for byte across a reload, "\r\n" included (as a file or a link may hold it).
  const crlf = broken.replace('"Comment"', '"Comment" ').split('\n').join('\r\n');
  await page.evaluate(([k, text]) => {
    const ws = JSON.parse(localStorage.getItem(k));
    ws.machines[0].definition = text;
    localStorage.setItem(k, JSON.stringify(ws));
  }, [KEY, crlf]);
  await page.reload();
  await editorReady();
  assertEqual(await editorText('definition'), crlf, 'a CRLF text after a reload');
  await caretAfter('"Comment" ');
  await page.keyboard.press('Backspace');
  const edited = crlf.replace('"Comment" ', '"Comment"');
  assertEqual(await editorText('definition'), edited, 'edited, its line ends kept');
  await storedFirst(edited, 'stored byte for byte');
  await page.reload();
  await editorReady();
  assertEqual(await editorText('definition'), edited, 'the same after another reload');

  // When the editor cannot load, the textarea stays and works.
  await page.route('**/editor.js', (route) => route.abort());
  const gaveUp = page.waitForEvent('console', (m) => m.text().includes('code editor could not load'));
  await page.reload();
  await gaveUp;
  const textarea = page.locator('textarea[data-testid="definition"]');
  await textarea.fill(DEF);
  assertEqual(await editorText('definition'), DEF, 'typed into the textarea');
  await storedFirst(DEF, 'stored from the textarea');
  assertEqual(await page.locator(tid('definition-editor')).getAttribute('data-editor'), 'textarea', 'still the textarea');
  const unexpected = problems.filter((p) => !p.includes('editor.js') && !p.includes('net::ERR_FAILED'));
  assert(unexpected.length === 0, `the page reported errors:\n  ${unexpected.join('\n  ')}`);
}
