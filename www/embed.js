// Stepwise embed loader: a compact, self-contained playground inside any element. Everything an
// embed shows and does (graph, run controls, history, pending tasks, output) is Rust: the view in
// crates/embed draws the graph with the playground's own code, on the JS API's engine, in one
// WebAssembly module per page (./embed_view.js). Each embed owns one `Stepwise` engine, so several
// on one page never share executions, tokens or clocks. This file only loads that module (and
// JSONata's evaluator, the JS API's second module), reads the options and defines the element.
//
//   import { mount } from './embed.js';
//   const demo = await mount(document.querySelector('#demo'), {
//     machines: [{ name: 'Hello', definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } } }],
//     input: { who: 'you' }, panels: ['graph', 'output'], readOnly: true, autoplay: false,
//   });
//
// or, without script: <stepwise-playground panels="graph,output" readonly autoplay>
//   <script type="application/json">{"machines": [...], "input": {...}}</script>
// </stepwise-playground>

import init, { mountEmbed, attachJsonata } from './embed_view.js';

// One wasm module per page, instantiated on first use; engines are per embed.
let wasmReady = null;
function loadWasm() {
  wasmReady ??= init();
  return wasmReady;
}

// JSONata's evaluator is a module of its own (pkg/stepwise_jsonata.js, as for the JS API): an
// embed whose machines use it waits for it; otherwise it is fetched once the embed is on screen,
// so that a definition edited into JSONata runs too. A failed fetch is tried again next time.
let jsonataReady = null;
function loadJsonata() {
  jsonataReady ??= loadWasm()
    .then(() => import('./pkg/stepwise_jsonata.js'))
    .then(async (jsonata) => {
      await jsonata.default();
      attachJsonata(jsonata);
    })
    .catch((error) => {
      jsonataReady = null;
      throw error;
    });
  return jsonataReady;
}

/**
 * Renders a playground into `target` (an element or a shadow root) and resolves to a controller:
 * `{ element, stepwise, run(), pause(), step(), reset(), destroy(), executionArn, status }`.
 *
 * Options: `machines` ([{name, definition}], required; the first is started unless `start` names
 * another), `input` (object or JSON text), `panels` (subset of graph/history/tokens/output),
 * `readOnly`, `autoplay`, `title`, `stepDelay` (ms between animated steps, default 150),
 * `taskOutput` (what a pending task's success button sends, default {}), `successLabel`,
 * `seed` and `epoch` (as for `new Stepwise()`).
 */
export async function mount(target, options = {}) {
  if (!target || typeof target.appendChild !== 'function') {
    throw new TypeError('mount(target, options): target must be an element or a shadow root');
  }
  // A seed may be a BigInt and an epoch a Date: they go to `new Stepwise()` as given, the rest
  // as JSON text (checked in Rust, which throws a TypeError naming the option).
  const { seed, epoch, ...rest } = options ?? {};
  const text = JSON.stringify(rest);
  await loadWasm();
  // Every JSONata expression starts with `{%`.
  if (text.includes('{%')) await loadJsonata();
  else setTimeout(() => loadJsonata().catch((e) => console.warn("Stepwise: JSONata's evaluator could not load", e)), 0);
  const embed = mountEmbed(target, text, { seed, epoch });
  return {
    element: embed.element,
    get stepwise() { return embed.stepwise; },
    get executionArn() { return embed.executionArn ?? null; },
    get status() { return embed.status; },
    run: () => embed.run(),
    pause: () => embed.pause(),
    step: () => embed.step(),
    reset: () => embed.reset(),
    destroy: () => embed.destroy(),
  };
}

/**
 * `<stepwise-playground>`: the options come from a child `<script type="application/json">`
 * (or the JSON file named by `src`), and attributes override them: `panels="graph,output"`,
 * `readonly`, `autoplay`, `input='{"a":1}'`, `heading`, `start`, `step-delay`, `task-output`,
 * `success-label`. The playground renders in the element's shadow root.
 */
export class StepwisePlayground extends HTMLElement {
  async connectedCallback() {
    if (this.controller || this.mounting) return;
    this.mounting = true;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    try {
      const options = await this.options();
      this.controller = await mount(shadow, options);
    } catch (e) {
      const p = document.createElement('p');
      p.style.color = '#d91515';
      p.textContent = `stepwise-playground: ${e.message}`;
      shadow.replaceChildren(p);
      console.error(e);
    } finally {
      this.mounting = false;
    }
  }

  disconnectedCallback() {
    this.controller?.destroy();
    this.controller = null;
  }

  async options() {
    let options = {};
    const src = this.getAttribute('src');
    if (src) {
      const response = await fetch(src);
      if (!response.ok) throw new Error(`${src}: HTTP ${response.status}`);
      options = await response.json();
    }
    const script = this.querySelector(':scope > script[type="application/json"]');
    if (script) options = { ...options, ...JSON.parse(script.textContent) };
    const attr = (name) => this.getAttribute(name);
    const json = (name) => (this.hasAttribute(name) ? JSON.parse(attr(name)) : undefined);
    const overrides = {
      panels: attr('panels') ?? undefined,
      input: this.hasAttribute('input') ? attr('input') : undefined,
      // Not `title`: that global attribute would also put a tooltip over the whole embed.
      title: attr('heading') ?? undefined,
      start: attr('start') ?? undefined,
      stepDelay: this.hasAttribute('step-delay') ? Number(attr('step-delay')) : undefined,
      taskOutput: json('task-output'),
      successLabel: attr('success-label') ?? undefined,
      readOnly: this.hasAttribute('readonly') ? attr('readonly') !== 'false' : undefined,
      autoplay: this.hasAttribute('autoplay') ? attr('autoplay') !== 'false' : undefined,
    };
    for (const [k, v] of Object.entries(overrides)) if (v !== undefined) options[k] = v;
    return options;
  }
}

if (!customElements.get('stepwise-playground')) customElements.define('stepwise-playground', StepwisePlayground);
