// Loads one of the site's extra wasm modules into the playground, on demand: JSONata's evaluator
// (pkg/stepwise_jsonata.js) and the template reader (stepwise_templates.js). The playground's
// own module is built without them (issue 19: they are a third of its size), and calls into a
// module synchronously once `onReady` has handed it over. `soon`: start at once (something waits
// for it); otherwise after the first paint, so that the download does not compete with the
// page's own.

const loading = new Map();
const failures = new Map();

function load(path) {
  let promise = loading.get(path);
  if (!promise) {
    // Relative to the page, not to this file (wasm-bindgen puts it under snippets/).
    const url = new URL(path, document.baseURI);
    // A failed download is tried again by the next caller (a flaky network heals), under a URL
    // of its own: some browsers remember a module that failed to load.
    const failed = failures.get(path) ?? 0;
    if (failed > 0) url.searchParams.set('retry', String(failed));
    promise = import(url.href).then(async (module) => {
      await module.default();
      return module;
    });
    promise.catch(() => forgetModule(path));
    loading.set(path, promise);
  }
  return promise;
}

// Drops a module that failed to load, or whose instance trapped (a trap can leave it mid-call):
// the next `loadModule` imports a fresh instance.
export function forgetModule(path) {
  loading.delete(path);
  failures.set(path, (failures.get(path) ?? 0) + 1);
}

export function loadModule(path, soon, onReady, onFailure) {
  const go = () =>
    load(path).then(
      (module) => onReady(module),
      (error) => {
        console.error(`${path} could not load`, error);
        onFailure(String(error && error.message ? error.message : error));
      },
    );
  if (soon) go();
  else requestAnimationFrame(() => setTimeout(go, 0));
}
