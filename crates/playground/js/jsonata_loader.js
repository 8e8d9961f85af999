// Loads JSONata's evaluator, the site's second wasm module (dist/pkg/stepwise_jsonata.js and its
// stepwise_jsonata_bg.wasm), into the playground. The playground's own module is built without
// the evaluator (issue 19: about a quarter of its size) and sends each evaluation there,
// synchronously, once `onReady` has handed it the module. `soon`: start at once (the workspace
// being opened uses JSONata); otherwise after the first paint, so that the download does not
// compete with the page's own.

let loading = null;

function load() {
  // Relative to the page, not to this file (wasm-bindgen puts it under snippets/).
  loading ??= import(new URL('pkg/stepwise_jsonata.js', document.baseURI).href).then(async (module) => {
    await module.default();
    return module;
  });
  return loading;
}

export function loadJsonata(soon, onReady, onFailure) {
  const go = () =>
    load().then(
      (module) => onReady(module),
      (error) => {
        console.error("JSONata's evaluator could not load", error);
        onFailure(String(error && error.message ? error.message : error));
      },
    );
  if (soon) go();
  else requestAnimationFrame(() => setTimeout(go, 0));
}
