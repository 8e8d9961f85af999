// Loads the code editor (dist/editor.js, CodeMirror 6) after the page's first paint, so it never
// delays the first load. Until it has loaded, or if it cannot load, the textarea the Yew
// component renders is the editor. One import serves every editor on the page.

let loading = null;

function load() {
  // Relative to the page, not to this file (wasm-bindgen puts it under snippets/).
  loading ??= import(new URL('editor.js', document.baseURI).href);
  return loading;
}

/** Runs `then` once the browser has painted what is on screen now. */
function afterPaint(then) {
  requestAnimationFrame(() => setTimeout(then, 0));
}

/**
 * Starts loading the editor for `host` (an empty element) and `textarea`. Returns a handle at
 * once: `update` calls made before the editor is there are kept (the last one wins) and handed
 * to it. `onReady` runs when the editor has replaced the textarea.
 */
export function attachEditor(host, textarea, options, onChange, onReady) {
  const pending = { key: '', text: null, diagnostics: '[]' };
  let editor = null;
  let dropped = false;
  afterPaint(() => {
    if (dropped) return;
    load()
      .then((module) => {
        if (dropped || !host.isConnected) return;
        editor = module.mount(host, textarea, { ...JSON.parse(options), ...pending }, onChange);
        onReady();
      })
      .catch((error) => {
        console.warn('The code editor could not load; the plain text editor stays.', error);
      });
  });
  return {
    update(key, text, diagnostics) {
      if (editor) editor.update(key, text, diagnostics);
      else Object.assign(pending, { key, text, diagnostics });
    },
    destroy() {
      dropped = true;
      editor?.destroy();
      editor = null;
    },
  };
}

/** Reveals `line` in the editor whose `data-testid` is `testid`; false when that editor is not
 * CodeMirror (yet). */
export function revealLine(testid, line) {
  const host = document.querySelector(`[data-testid="${CSS.escape(`${testid}-editor`)}"]`);
  const editor = host?.querySelector('.cm-host')?.stepwiseEditor;
  if (!editor) return false;
  editor.reveal(line);
  return true;
}
