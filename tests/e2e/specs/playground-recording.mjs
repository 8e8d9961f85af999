// Debugging an execution AWS ran (issue 22): import what the AWS CLI printed for a parent and the
// `.sync` child it started, step through both on the recording's own timeline, replay it locally
// with no divergence, edit the child so the replay diverges and see the divergence side by side,
// export the recording as a test case; bad input (a page cut short, a history whose last page
// says more pages follow) shown with its located message; an event type AWS's API does not
// list kept and shown, and a replay saying why it cannot run it.
//
// The inputs are the recording crate's sync-child fixture: the parent's history is the
// conformance corpus' recorded AWS history (crates/recording/tests keeps them equal), laid out
// as `get-execution-history --output json`, `describe-execution` and
// `describe-state-machine-for-execution` print them.
import { SYNC_CHILD_FILES as FILES, readSyncChild as read, tid } from '../lib/playground.mjs';

/** The JSON documents of a text that holds several one after the other (pages of a history). */
function documents(text) {
  const docs = [];
  let depth = 0, start = -1, inString = false, escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') { if (depth++ === 0) start = i; }
    else if (c === '}' && --depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
  }
  return docs;
}

export default async function playgroundRecording(page, baseUrl, { assert, screenshot, problems, editorText }) {
  await page.goto(`${baseUrl}/`);
  await page.locator(tid('machines-panel')).waitFor();

  // --- Bad input: a page cut short, then a last page that says more follow. -------------------
  const history = read('history.json');
  await page.click(tid('import-execution'));
  await page.locator(tid('import-execution-dialog')).waitFor();
  await page.fill(tid('import-execution-text'), history.slice(0, Math.floor(history.length / 2)));
  await page.click(tid('import-execution-go'));
  const error = page.locator(tid('import-execution-error')).first();
  await error.waitFor();
  let text = await error.innerText();
  assert(/^pasted text:\d+:\d+: /.test(text), `a located error for the cut page: ${text}`);
  await screenshot('1-cut-page');

  // The recorded history is two pages (the first with a NextToken); give only the first.
  const pages = documents(history);
  assert(pages.length === 2 && pages[0].NextToken, 'the fixture is two pages');
  const parentEvents = pages.flatMap((p) => p.events).length;
  const firstPage = pages[0];
  await page.fill(tid('import-execution-text'), JSON.stringify(firstPage, null, 4));
  await page.click(tid('import-execution-go'));
  await page.locator(tid('import-execution-error')).filter({ hasText: 'incomplete' }).waitFor();
  text = await page.locator(tid('import-execution-error')).first().innerText();
  assert(text.startsWith('pasted text:1:1:') && text.includes('nextToken') && text.includes(`up to id ${firstPage.events.length}`),
    `the incomplete history is named: ${text}`);
  assert((await page.locator(tid('rec-exec-main')).count()) === 0, 'nothing was imported');

  // --- The parent and its .sync child, as files. ----------------------------------------------
  await page.fill(tid('import-execution-text'), '');
  await page.setInputFiles(tid('import-execution-files'), FILES.map((name) => ({
    name, mimeType: 'application/json', buffer: Buffer.from(read(name)),
  })));
  await page.locator(tid('import-execution-loaded')).filter({ hasText: 'child-machine.json' }).waitFor();
  await page.click(tid('import-execution-go'));
  await page.locator(tid('import-execution-dialog')).waitFor({ state: 'detached' });
  const parent = page.locator(`${tid('rec-exec-main')}[data-source="recorded"]`);
  const child = page.locator(`${tid('rec-exec-child')}[data-source="recorded"]`);
  await parent.waitFor();
  assert((await parent.getAttribute('data-status')) === 'SUCCEEDED', 'the parent is recorded as succeeded');
  assert((await child.getAttribute('data-status')) === 'SUCCEEDED', 'the child is linked under it');
  assert((await parent.innerText()).includes('recorded'), 'marked recorded');
  // Its definitions are the workspace's machines now; the graph shows the run's colours.
  for (const m of ['main', 'child']) {
    assert((await page.locator(tid(`machine-tab-${m}`)).count()) === 1, `a tab for ${m}`);
  }
  await page.locator(`${tid('state-StartExecution')}[data-status="Succeeded"]`).waitFor();
  assert((await page.locator(tid('exec-read-only')).innerText()) === 'recorded', 'the inspector says recorded');
  assert((await page.locator(tid('stop-execution')).count()) === 0, 'no Stop on a recording');
  const total = (await page.locator(tid('timeline-pos')).innerText()).match(/event (\d+) \/ (\d+)/);
  assert(total && total[1] === total[2], `the timeline starts at the end: ${total}`);
  const events = Number(total[2]);
  await screenshot('2-imported');

  // --- Step through both: back to the start, then forwards event by event. --------------------
  await page.locator(tid('timeline')).evaluate((el) => {
    el.value = '0';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.locator(tid('timeline-pos')).filter({ hasText: `event 0 / ${events}` }).waitFor();
  assert((await child.count()) === 0, 'the child has not started at event 0');
  await page.click(tid('rec-exec-main'));
  let sawInProgress = false;
  for (let i = 0; i < events && (await child.count()) === 0; i++) {
    await page.click(tid('step'));
    const s = await page.locator(tid('state-StartExecution')).getAttribute('data-status').catch(() => null);
    if (s === 'In progress') sawInProgress = true;
  }
  assert(sawInProgress, 'the parent task shows in progress while the child runs');
  assert((await parent.getAttribute('data-status')) === 'RUNNING', 'the parent runs while its child does');
  await child.click();
  await page.locator(`${tid('graph')}[data-machine="child"]`).waitFor();
  assert((await page.locator(tid('crumb-0')).innerText()).startsWith('main'), 'the breadcrumb leads back to the parent');
  // Step the child to its end: its Pass state succeeds.
  for (let i = 0; i < events && (await child.getAttribute('data-status')) !== 'SUCCEEDED'; i++) {
    await page.keyboard.press('s');
  }
  await page.locator(`${tid('state-State_1')}[data-status="Succeeded"]`).waitFor();
  await page.locator(`${tid('state-State_1')}`).click();
  assert((await page.locator(tid('io-output')).innerText()).includes('argument1'), 'the child state\'s recorded output');
  await screenshot('3-child-stepped');
  // Back in the parent, open its first event: AWS's event as printed.
  await page.click(tid('crumb-0'));
  await page.locator(`${tid('graph')}[data-machine="main"]`).waitFor();
  await page.click(tid('tab-history'));
  await page.locator(tid('history-row')).first().click();
  const detail = await page.locator(tid('history-detail')).innerText();
  assert(detail.includes('"roleArn": "snf_role_arn"'), `the recorded event verbatim: ${detail.slice(0, 200)}`);
  await page.locator(tid('timeline-pos')).filter({ hasText: `event 1 / ${events}` }).waitFor();
  const clock = await page.locator(tid('clock')).innerText();
  assert(clock.startsWith('2024-05-14 09:30:00'), `the clock is the recording's: ${clock}`);
  // To the end again.
  await page.locator(tid('timeline')).evaluate((el, n) => {
    el.value = String(n);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, events);
  await page.locator(`${tid('state-StartExecution')}[data-status="Succeeded"]`).waitFor();

  // --- Replay locally: no divergence. ---------------------------------------------------------
  await page.click(tid('tab-recording'));
  await page.click(tid('replay'));
  const result = page.locator(tid('replay-result'));
  await result.waitFor();
  assert((await result.getAttribute('data-divergence')) === 'false',
    `no divergence: ${await result.innerText()}`);
  assert((await page.locator(tid('replay-verdict')).innerText()).includes('2 execution(s)'), 'parent and child compared');
  await page.locator(`${tid('rec-exec-main')}[data-source="replay"][data-status="SUCCEEDED"]`).waitFor();
  await page.locator(`${tid('rec-exec-child')}[data-source="replay"]`).waitFor();
  await screenshot('4-replayed');

  // --- Edit the child and replay: the divergence is shown side by side. ----------------------
  await page.click(tid('machine-tab-child'));
  const childText = await editorText('definition');
  assert(childText.includes('argument1'), 'the child definition is the recorded one');
  await page.fill(tid('definition'), childText.replace('argument1', 'argument2'));
  await page.click(tid('tab-recording'));
  await page.click(tid('replay'));
  await page.locator(`${tid('replay-result')}[data-divergence="true"]`).waitFor();
  assert((await page.locator(tid('replay-edited')).innerText()).includes('child'), 'says which edit was replayed');
  const what = await page.locator(tid('divergence-what')).innerText();
  assert(what.includes('argument1') && what.includes('argument2'), `what differs: ${what}`);
  const recType = await page.locator(tid('divergence-recorded-type')).innerText();
  const locType = await page.locator(tid('divergence-local-type')).innerText();
  assert(recType === locType, `the same event on both sides: ${recType} / ${locType}`);
  assert((await page.locator(tid('divergence-recorded')).innerText()).includes('argument1'), 'the recorded side');
  assert((await page.locator(tid('divergence-local')).innerText()).includes('argument2'), 'the local side');
  await screenshot('5-diverged');
  // "show" jumps to the local event.
  await page.click(tid('show-local-event'));
  await page.locator(`${tid('history-row')}.open`).waitFor();

  // Undo the edit: the divergence goes away.
  await page.click(tid('machine-tab-child'));
  await page.fill(tid('definition'), childText);
  await page.click(tid('tab-recording'));
  await page.click(tid('replay'));
  await page.locator(`${tid('replay-result')}[data-divergence="false"]`).waitFor();

  // --- Export test: a test case `stepwise test` runs. -----------------------------------------
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-test'))]);
  assert(download.suggestedFilename() === 'main-conformance.test.json', `file: ${download.suggestedFilename()}`);
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  const testCase = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  assert(testCase.stateMachine === 'main' && testCase.expected.status === 'SUCCEEDED'
    && Object.keys(testCase.stateMachines).sort().join() === 'child,main'
    && testCase.expected.history.length === parentEvents,
  `the test case: ${JSON.stringify(testCase).slice(0, 300)}`);

  // --- An event type AWS's API does not list: kept, shown, and a replay says why it stops. ----
  const odd = documents(history);
  const started = odd[0].events.find((e) => e.type === 'TaskStarted');
  started.type = 'TaskWarmedUp';
  await page.click(tid('import-execution'));
  await page.fill(tid('import-execution-text'),
    [...odd.map((p) => JSON.stringify(p, null, 2)), read('execution.json'), read('machine.json')].join('\n'));
  await page.click(tid('import-execution-go'));
  await page.locator(tid('import-execution-dialog')).waitFor({ state: 'detached' });
  await page.locator(tid('recording-warning')).filter({ hasText: 'TaskWarmedUp' }).waitFor();
  assert((await page.locator(tid('rec-exec-child')).count()) === 0, 'only the parent this time');
  await page.click(tid('tab-history'));
  const kept = page.locator(`${tid('history-row')}[data-event-type="TaskWarmedUp"]`);
  await kept.waitFor();
  await kept.click();
  assert((await page.locator(tid('history-detail')).innerText()).includes('"type": "TaskWarmedUp"'), 'shown as AWS printed it');
  await page.click(tid('tab-recording'));
  await page.click(tid('replay'));
  await page.locator(tid('notice')).filter({ hasText: 'TaskWarmedUp' }).waitFor();
  assert((await page.locator(tid('notice')).innerText()).includes('cannot be replayed'), 'the replay says why not');
  await screenshot('6-unknown-event-type');

  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
