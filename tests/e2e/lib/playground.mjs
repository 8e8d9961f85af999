// Steps and fixtures the playground specs share. It lives outside specs/ because run.mjs loads
// every file there as a spec. Each function is one step a user takes (or one thing a spec reads
// back); what a spec checks stays in the spec, so a spec still reads as its story on its own.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The selector of the element whose `data-testid` is `id`: the UI's names for what a user sees. */
export const tid = (id) => `[data-testid="${id}"]`;

/** The key the playground autosaves its workspace under (crates/playground/src/storage.rs). */
export const WORKSPACE_KEY = 'stepwise.workspace.v1';

/**
 * Opens the playground with nothing saved: a spec must not see what an earlier run of it (or
 * another spec in the same origin) left in localStorage. The page opens once so that the origin's
 * storage can be cleared, then again so that the app starts from the cleared storage.
 */
export async function openClean(page, baseUrl) {
  await page.goto(`${baseUrl}/`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
}

/** `openClean`, then waits for the default workspace (its "Parent" machine) to be on show. */
export async function openDefaultWorkspace(page, baseUrl) {
  await openClean(page, baseUrl);
  await page.locator(tid('machine-tab-Parent')).waitFor();
}

/** Opens the example `name` from the Examples menu and waits for its machine tab `tab`. */
export async function openExample(page, name, tab) {
  await page.click(tid('examples'));
  await page.click(tid(`example-${name}`));
  await page.locator(tid(`machine-tab-${tab}`)).waitFor();
}

/**
 * Adds a machine with the + button and gives it `definition`. `name` is the one the playground
 * gives it (Machine, Machine2, …): waiting for its tab to be selected makes sure the text goes
 * into the new machine, not the one shown before.
 */
export async function addMachine(page, name, definition) {
  await page.click(tid('machine-add'));
  await page.locator(`${tid(`machine-tab-${name}`)}[aria-selected="true"]`).waitFor();
  await page.fill(tid('definition'), definition);
}

/** Publishes the machine on show and waits for the version it becomes (`number`) to be listed. */
export async function publishVersion(page, number) {
  await page.click(tid('version-publish'));
  await page.locator(tid(`version-${number}`)).waitFor();
}

/**
 * Presses Run to end and waits until an execution of `machine` has `status`. `options` go to
 * Playwright's waitFor: a `{ timeout }` for runs through child executions or a large Map, which
 * take longer than the default wait.
 */
export async function runToEnd(page, machine, status, options = {}) {
  await page.click(tid('run-to-end'));
  await page.locator(`${tid(`exec-${machine}`)}[data-status="${status}"]`).waitFor(options);
}

/** Chooses `machine` as the entry machine, starts it and runs it to `status` (see `runToEnd`). */
export async function startAndRun(page, machine, status, options) {
  await page.selectOption(tid('entry-select'), machine);
  await page.click(tid('start'));
  await runToEnd(page, machine, status, options);
}

/** The workspace saved under `key`, parsed (null when nothing is saved there). */
export async function storedWorkspace(page, key = WORKSPACE_KEY) {
  return JSON.parse(await page.evaluate((k) => localStorage.getItem(k), key));
}

/** Opens the Share dialog, reads the link it offers and closes it again. */
export async function shareLink(page) {
  await page.click(tid('share'));
  const link = await page.locator(tid('share-link')).inputValue();
  await page.keyboard.press('Escape');
  return link;
}

/**
 * Opens `link` in another browser (a fresh context: none of this page's storage) and hands its
 * page to `visit`; the context is closed afterwards, whether `visit` passed or threw.
 */
export async function inOtherBrowser(page, link, visit) {
  const other = await page.context().browser().newContext();
  try {
    const friend = await other.newPage();
    await friend.goto(link);
    await visit(friend);
  } finally {
    await other.close();
  }
}

// --- Nested-workflow fixtures: a child machine and a parent that starts it. -------------------

/** The ARN of the alias "live" of the machine the playground names "Machine" (the first added). */
export const LIVE_ALIAS_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Machine:live';

/** A child machine whose output is the string `greeting`: versions differ by what they return. */
export const greetingChild = (greeting) => `{
  "StartAt": "Greet",
  "States": { "Greet": { "Type": "Pass", "Result": "${greeting}", "End": true } }
}`;

/**
 * A parent that starts `arn` with .sync:2 (waits for the child, its output parsed JSON) and
 * returns the child's output as its own.
 */
export const syncParent = (arn = LIVE_ALIAS_ARN) => `{
  "StartAt": "Call",
  "States": {
    "Call": {
      "Type": "Task",
      "Resource": "arn:aws:states:::states:startExecution.sync:2",
      "Parameters": { "StateMachineArn": "${arn}", "Input": {} },
      "OutputPath": "$.Output",
      "End": true
    }
  }
}`;

// --- A recorded AWS execution: the recording crate's sync-child fixture. ----------------------

// The same files the recording crate's own tests read, so the playground imports exactly what the
// importer is tested with (the parent's history is the conformance corpus' recorded one).
const SYNC_CHILD = new URL('../../../crates/recording/tests/fixtures/sync-child/', import.meta.url);

/**
 * The files of a parent and the .sync child it started, as the AWS CLI prints them
 * (get-execution-history, describe-execution, describe-state-machine-for-execution), in the
 * order a user would pick them.
 */
export const SYNC_CHILD_FILES = ['history.json', 'execution.json', 'machine.json', 'child-history.json', 'child-execution.json', 'child-machine.json'];

/** The text of the sync-child fixture file `name`. */
export const readSyncChild = (name) => readFileSync(fileURLToPath(new URL(name, SYNC_CHILD)), 'utf8');
