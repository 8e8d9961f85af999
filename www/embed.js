// Stepwise embed: a compact, self-contained playground inside any element, built on the JS API
// (./pkg/stepwise_wasm.js) with plain DOM and a small SVG graph. Each embed owns one `Stepwise`
// engine, so several on one page never share executions, tokens or clocks.
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

import init, { Stepwise } from './pkg/stepwise_wasm.js';

const ALL_PANELS = ['graph', 'history', 'tokens', 'output'];
const SVG = 'http://www.w3.org/2000/svg';
const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

// One wasm module per page, instantiated on first use; engines are per embed.
let wasmReady = null;
function loadWasm() {
  wasmReady ??= init();
  return wasmReady;
}

let embedCount = 0;

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
  const opts = normalize(options);
  await loadWasm();
  const embed = new Embed(target, opts);
  return embed.controller();
}

function normalize(options) {
  const machines = options.machines;
  if (!Array.isArray(machines) || machines.length === 0) {
    throw new TypeError('mount: options.machines must be a non-empty array of {name, definition}');
  }
  for (const m of machines) {
    if (!m || typeof m.name !== 'string' || m.definition == null) {
      throw new TypeError('mount: every machine needs a name (string) and a definition');
    }
  }
  const start = options.start ?? machines[0].name;
  if (!machines.some((m) => m.name === start)) {
    throw new TypeError(`mount: options.start names no machine: ${start}`);
  }
  let panels = options.panels ?? ALL_PANELS;
  if (typeof panels === 'string') panels = panels.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = panels.filter((p) => !ALL_PANELS.includes(p));
  if (unknown.length) throw new TypeError(`mount: unknown panels ${unknown.join(', ')} (use ${ALL_PANELS.join(', ')})`);
  return {
    machines: machines.map((m) => ({ name: m.name, text: asText(m.definition) })),
    start,
    inputText: asText(options.input ?? {}),
    panels,
    readOnly: Boolean(options.readOnly),
    autoplay: Boolean(options.autoplay),
    title: options.title ?? start,
    stepDelay: Number.isFinite(options.stepDelay) ? Math.max(0, options.stepDelay) : 150,
    taskOutputText: typeof options.taskOutput === 'string' ? options.taskOutput : JSON.stringify(options.taskOutput ?? {}),
    successLabel: options.successLabel ?? 'Send success',
    // Passed to `new Stepwise()`: the same seed and epoch replay the same names, tokens and times.
    engine: { seed: options.seed, epoch: options.epoch },
  };
}

/** Definitions and inputs are JSON text in the API; objects are pretty-printed for editing. */
function asText(value) {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function pretty(jsonText) {
  try {
    return JSON.stringify(JSON.parse(jsonText), null, 2);
  } catch {
    return jsonText;
  }
}

class Embed {
  constructor(target, opts) {
    this.opts = opts;
    this.id = ++embedCount;
    this.definitions = Object.fromEntries(opts.machines.map((m) => [m.name, m.text]));
    this.playing = false;
    this.timer = null;
    this.current = null; // the execution the last Run started
    this.selected = null; // the execution the panels show
    this.graphCache = new Map();
    injectStyle(target);
    this.build(target);
    this.reset();
    if (opts.autoplay) this.run();
  }

  controller() {
    const self = this;
    return {
      element: this.root,
      get stepwise() { return self.sw; },
      get executionArn() { return self.current; },
      get status() { return self.statusOf(self.current); },
      run: () => this.run(),
      pause: () => this.pause(),
      step: () => this.stepOnce(),
      reset: () => this.reset(),
      destroy: () => this.destroy(),
    };
  }

  // ---- DOM ------------------------------------------------------------------------------

  build(target) {
    const o = this.opts;
    this.runButton = el('button', { type: 'button', 'data-sw-action': 'run', onclick: () => (this.playing ? this.pause() : this.run()) }, '▶ Run');
    this.stepButton = el('button', { type: 'button', 'data-sw-action': 'step', onclick: () => this.stepOnce() }, 'Step');
    this.timerButton = el('button', { type: 'button', 'data-sw-action': 'next-timer', hidden: true, title: 'Move the virtual clock to the next timer', onclick: () => this.skipToTimer() }, 'Skip to next timer');
    this.resetButton = el('button', { type: 'button', 'data-sw-action': 'reset', onclick: () => this.reset() }, 'Reset');
    this.statusBadge = el('span', { class: 'sw-status', 'data-sw-status': 'NOT_STARTED' }, 'not started');
    this.clock = el('span', { class: 'sw-clock', title: 'virtual clock' });
    this.error = el('div', { class: 'sw-error', role: 'alert', hidden: true });

    const source = el('details', { class: 'sw-source' }, el('summary', {}, o.readOnly ? 'Definition and input' : 'Edit definition and input'));
    if (o.readOnly) {
      for (const m of o.machines) {
        source.append(el('div', { class: 'sw-label', text: m.name }), el('pre', { class: 'sw-code', text: pretty(m.text) }));
      }
      source.append(el('div', { class: 'sw-label', text: 'Input' }), el('pre', { class: 'sw-code', text: pretty(o.inputText) }));
    } else {
      this.defEditors = {};
      for (const m of o.machines) {
        const area = el('textarea', { class: 'sw-code', rows: 10, spellcheck: 'false', 'data-sw-definition': m.name });
        area.value = pretty(m.text);
        area.addEventListener('input', () => {
          this.edited = true;
          this.runButton.disabled = false;
          this.stepButton.disabled = false;
        });
        this.defEditors[m.name] = area;
        source.append(el('label', { class: 'sw-label' }, m.name, area));
      }
      this.inputEditor = el('textarea', { class: 'sw-code', rows: 4, spellcheck: 'false', 'data-sw-input': '' });
      this.inputEditor.value = pretty(o.inputText);
      source.append(el('label', { class: 'sw-label' }, 'Input', this.inputEditor));
    }

    const panels = el('div', { class: 'sw-panels' });
    const has = (p) => o.panels.includes(p);
    if (has('graph')) {
      this.graph = el('div', { class: 'sw-graph' });
      panels.append(el('section', { class: 'sw-panel sw-panel-graph', 'data-sw-panel': 'graph' }, this.graph));
    }
    const side = el('div', { class: 'sw-side' });
    if (has('output')) {
      this.output = el('pre', { class: 'sw-code sw-output', 'data-sw-output': '' });
      side.append(el('section', { class: 'sw-panel', 'data-sw-panel': 'output' }, el('h4', {}, 'Output'), this.output));
    }
    if (has('tokens')) {
      this.tokens = el('div', { class: 'sw-tokens' });
      side.append(el('section', { class: 'sw-panel', 'data-sw-panel': 'tokens' }, el('h4', {}, 'Pending tasks'), this.tokens));
    }
    if (has('history')) {
      this.history = el('ol', { class: 'sw-history' });
      side.append(el('section', { class: 'sw-panel', 'data-sw-panel': 'history' }, el('h4', {}, 'History'), this.history));
    }
    if (side.childElementCount) panels.append(side);

    this.picker = el('select', { class: 'sw-picker', 'aria-label': 'Execution to show', 'data-sw-picker': '', onchange: () => { this.selected = this.picker.value || null; this.render(); } });

    this.root = el(
      'div',
      { class: 'sw-embed', 'data-sw-embed': String(this.id) },
      el('div', { class: 'sw-bar' }, el('strong', { class: 'sw-title', text: o.title }), this.runButton, this.stepButton, this.timerButton, this.resetButton, this.statusBadge, this.clock),
      el('div', { class: 'sw-bar sw-bar-sub' }, el('span', { class: 'sw-label', text: 'Execution' }), this.picker),
      this.error,
      source,
      panels,
    );
    target.appendChild(this.root);
  }

  showError(e) {
    if (!e) {
      this.error.hidden = true;
      this.error.textContent = '';
      return;
    }
    this.error.hidden = false;
    this.error.textContent = `${e.name || 'Error'}: ${e.message}`;
    if (Array.isArray(e.diagnostics) && e.diagnostics.length) {
      const list = el('ul');
      for (const d of e.diagnostics) {
        const where = d.line ? ` (line ${d.line}${d.column ? `:${d.column}` : ''})` : d.location ? ` (${d.location})` : '';
        list.append(el('li', { text: `${d.code}: ${d.message}${where}` }));
      }
      this.error.append(list);
    }
  }

  // ---- commands -----------------------------------------------------------------------

  /** A fresh engine with the (possibly edited) definitions; no execution yet. */
  reset() {
    this.pause();
    this.sw?.free();
    this.sw = new Stepwise(this.opts.engine);
    this.current = null;
    this.selected = null;
    this.graphCache.clear();
    this.showError(null);
    if (this.defEditors) {
      for (const [name, area] of Object.entries(this.defEditors)) this.definitions[name] = area.value;
    }
    this.edited = false;
    try {
      for (const m of this.opts.machines) {
        this.sw.createStateMachine({ name: m.name, definition: this.definitions[m.name] });
      }
      this.ready = true;
    } catch (e) {
      this.ready = false;
      this.showError(e);
    }
    this.render();
  }

  machineArn(name) {
    return this.sw.listStateMachines().stateMachines.find((m) => m.name === name)?.stateMachineArn;
  }

  /** Starts a new execution of the main machine with the current input; false on an error. */
  startExecution() {
    if (this.edited) this.reset();
    if (!this.ready) return false;
    const input = this.inputEditor ? this.inputEditor.value : this.opts.inputText;
    try {
      const { executionArn } = this.sw.startExecution({ stateMachineArn: this.machineArn(this.opts.start), input });
      this.current = executionArn;
      this.selected = executionArn;
      this.showError(null);
      return true;
    } catch (e) {
      this.showError(e);
      return false;
    }
  }

  run() {
    if (!this.current || FINISHED.has(this.statusOf(this.current)) || this.edited) {
      if (!this.startExecution()) return this.render();
    }
    this.playing = true;
    this.render();
    this.schedule();
  }

  pause() {
    this.playing = false;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.sw) this.render();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), this.opts.stepDelay);
  }

  /** One animation frame of Run: a step, a timer jump, or a stop with the reason shown. */
  tick() {
    this.timer = null;
    if (!this.playing) return;
    if (this.sw.step()) {
      this.render();
      return this.schedule();
    }
    // Nothing is due now: a zero budget only reports why.
    const { idle } = this.sw.runUntilIdle(0);
    if (idle === 'WaitingForTimer' && this.sw.listPendingTasks().tasks.length === 0) {
      // A Wait state or a retry delay: nobody else can act, so time may jump.
      this.sw.advanceToNextTimer();
      this.render();
      return this.schedule();
    }
    if (idle === 'Finished') this.playing = false;
    // Waiting for a person (a task token, perhaps with a heartbeat timer): stay in play mode, so
    // answering resumes the run.
    this.render();
  }

  stepOnce() {
    this.pause();
    const finished = FINISHED.has(this.statusOf(this.current));
    // A finished run stays on screen: only Run (or an edit) starts the next one.
    if (finished && !this.edited) return this.render();
    if (!this.current || finished || this.edited) {
      this.startExecution();
      return this.render();
    }
    if (!this.sw.step()) {
      const { idle } = this.sw.runUntilIdle(0);
      if (idle === 'WaitingForTimer' && this.sw.advanceToNextTimer()) this.sw.step();
    }
    this.render();
  }

  skipToTimer() {
    this.sw.advanceToNextTimer();
    if (this.playing) this.schedule();
    else this.sw.step();
    this.render();
  }

  sendTask(token, success, outputText) {
    try {
      if (success) this.sw.sendTaskSuccess({ taskToken: token, output: outputText });
      else this.sw.sendTaskFailure({ taskToken: token, error: 'Rejected', cause: 'Failed by hand in the embed' });
      this.showError(null);
    } catch (e) {
      this.showError(e);
    }
    if (this.playing) this.schedule();
    this.render();
  }

  destroy() {
    this.pause();
    this.root.remove();
    this.sw?.free();
    this.sw = null;
  }

  // ---- reads --------------------------------------------------------------------------

  statusOf(arn) {
    if (!arn || !this.sw) return 'NOT_STARTED';
    try {
      return this.sw.describeExecution({ executionArn: arn }).status;
    } catch {
      return 'NOT_STARTED';
    }
  }

  definitionOf(stateMachineArn) {
    if (!this.graphCache.has(stateMachineArn)) {
      let def = null;
      try {
        def = JSON.parse(this.sw.describeStateMachine({ stateMachineArn }).definition);
      } catch {
        // A deleted machine or unparsable text: the graph panel stays empty.
      }
      this.graphCache.set(stateMachineArn, def);
    }
    return this.graphCache.get(stateMachineArn);
  }

  // ---- rendering ----------------------------------------------------------------------

  render() {
    if (!this.sw) return;
    const status = this.statusOf(this.current);
    this.statusBadge.dataset.swStatus = status;
    this.statusBadge.textContent = status === 'NOT_STARTED' ? 'not started' : status.replace('_', ' ').toLowerCase();
    this.clock.textContent = this.sw.now().replace('T', ' ').replace('.000Z', 'Z');
    this.runButton.textContent = this.playing ? 'Pause' : '▶ Run';
    this.runButton.disabled = !this.ready && !this.edited;
    this.stepButton.disabled = (!this.ready || FINISHED.has(status)) && !this.edited;
    const pending = this.sw.listPendingTasks().tasks;
    const idle = this.current ? this.sw.runUntilIdle(0) : { idle: 'Finished' };
    this.timerButton.hidden = idle.idle !== 'WaitingForTimer';
    this.root.dataset.swIdle = idle.idle;

    this.renderPicker();
    const selected = this.selected ? this.sw.describeExecution({ executionArn: this.selected }) : null;
    const events = selected ? this.sw.getExecutionHistory({ executionArn: this.selected, includeExecutionData: false }).events : [];
    if (this.graph) this.renderGraph(selected, events, pending);
    if (this.output) this.renderOutput(selected);
    if (this.history) this.renderHistory(selected, events);
    if (this.tokens) this.renderTokens(pending);
    this.root.dispatchEvent(new CustomEvent('stepwise-change', { bubbles: true, composed: true, detail: { executionArn: this.current, status, idle: idle.idle } }));
  }

  renderPicker() {
    const { executions } = this.sw.executionTree();
    const options = [];
    const walk = (nodes, depth) => {
      for (const n of nodes) {
        const label = `${'  '.repeat(depth)}${depth ? '↳ ' : ''}${n.name.length > 24 ? `${n.name.slice(0, 8)}…` : n.name} · ${n.stateMachineArn.split(':').pop()} · ${n.status.toLowerCase()}`;
        options.push([n.executionArn, label]);
        walk(n.children, depth + 1);
      }
    };
    // Newest runs first, each followed by the executions it started.
    walk([...executions].reverse(), 0);
    this.picker.replaceChildren(...(options.length ? options : [['', 'no execution yet']]).map(([value, label]) => {
      const o = el('option', { value, text: label.replace(/^ +/, (s) => '\u00a0'.repeat(s.length)) });
      o.selected = value === (this.selected ?? '');
      return o;
    }));
    this.picker.disabled = options.length === 0;
  }

  renderOutput(selected) {
    this.output.className = 'sw-code sw-output';
    if (!selected) {
      this.output.textContent = 'Press Run to start an execution.';
      this.output.dataset.swOutput = '';
      return;
    }
    this.output.dataset.swOutput = selected.status;
    if (selected.status === 'SUCCEEDED') {
      this.output.textContent = pretty(selected.output ?? 'null');
    } else if (selected.status === 'RUNNING') {
      this.output.textContent = '(running)';
    } else {
      this.output.classList.add('sw-output-failed');
      this.output.textContent = `${selected.status}${selected.error ? `\nerror: ${selected.error}` : ''}${selected.cause ? `\ncause: ${selected.cause}` : ''}`;
    }
  }

  renderHistory(selected, events) {
    const start = selected ? Date.parse(selected.startDate) : 0;
    this.history.replaceChildren(...events.map((e) => {
      const details = Object.values(e).find((v) => v && typeof v === 'object');
      const name = details?.name ?? '';
      const offset = ((Date.parse(e.timestamp) - start) / 1000).toFixed(1);
      return el('li', { 'data-sw-event': e.type }, el('span', { class: 'sw-event-id', text: String(e.id) }), el('span', { class: 'sw-event-type', text: e.type }), el('span', { class: 'sw-event-state', text: name }), el('span', { class: 'sw-event-time', text: `+${offset}s` }));
    }));
    this.history.scrollTop = this.history.scrollHeight;
  }

  renderTokens(pending) {
    if (pending.length === 0) {
      this.tokens.replaceChildren(el('p', { class: 'sw-muted', text: 'No task is waiting.' }));
      return;
    }
    this.tokens.replaceChildren(...pending.map((t) => {
      const output = el('textarea', { class: 'sw-code', rows: 2, spellcheck: 'false', readonly: this.opts.readOnly, 'aria-label': 'Output to send' });
      output.value = this.opts.taskOutputText;
      const execName = t.executionArn.split(':').slice(-2).join(':');
      return el(
        'div',
        { class: 'sw-token', 'data-sw-token': t.taskToken },
        el('div', {}, el('strong', { text: t.stateName }), el('span', { class: 'sw-muted', text: ` · ${execName} · ${t.kind === 'Callback' ? 'task token' : 'no mock'}` })),
        output,
        el('div', { class: 'sw-token-actions' },
          el('button', { type: 'button', 'data-sw-action': 'task-success', onclick: () => this.sendTask(t.taskToken, true, output.value) }, this.opts.successLabel),
          el('button', { type: 'button', 'data-sw-action': 'task-failure', onclick: () => this.sendTask(t.taskToken, false) }, 'Send failure')),
      );
    }));
  }

  renderGraph(selected, events, pending) {
    const machineArn = selected?.stateMachineArn ?? this.machineArn(this.opts.start);
    const def = machineArn && this.definitionOf(machineArn);
    if (!def || typeof def.States !== 'object') {
      this.graph.replaceChildren(el('p', { class: 'sw-muted', text: 'No graph for this definition.' }));
      return;
    }
    const status = stateStatuses(events, selected, pending);
    this.graph.replaceChildren(drawGraph(def, status, `sw-arrow-${this.id}`));
  }
}

// ---- the graph --------------------------------------------------------------------------

const START = '\u0000start';
const END = '\u0000end';

/** Where each top-level state leads (Next, Choice branches, Default, Catch) and whether it ends. */
function transitions(state) {
  const out = [];
  if (state.Next) out.push(state.Next);
  for (const c of state.Choices ?? []) if (c?.Next) out.push(c.Next);
  if (state.Default) out.push(state.Default);
  for (const c of state.Catch ?? []) if (c?.Next) out.push(c.Next);
  const ends = state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';
  return { out: [...new Set(out)], ends };
}

/** Layers by breadth-first distance from Start, so loops point upwards. */
function layout(def) {
  const names = Object.keys(def.States);
  const edges = [[START, def.StartAt]];
  const layer = new Map([[START, 0]]);
  const queue = [];
  if (def.States[def.StartAt]) {
    layer.set(def.StartAt, 1);
    queue.push(def.StartAt);
  }
  const succ = new Map(names.map((n) => [n, transitions(def.States[n] ?? {})]));
  while (queue.length) {
    const n = queue.shift();
    for (const t of succ.get(n).out) {
      if (succ.has(t) && !layer.has(t)) {
        layer.set(t, layer.get(n) + 1);
        queue.push(t);
      }
    }
  }
  let deepest = Math.max(...layer.values());
  for (const n of names) if (!layer.has(n)) layer.set(n, ++deepest);
  for (const n of names) {
    const { out, ends } = succ.get(n);
    for (const t of out) if (succ.has(t)) edges.push([n, t]);
    if (ends) edges.push([n, END]);
  }
  layer.set(END, deepest + 1);
  const rows = [];
  for (const [n, l] of layer) (rows[l] ??= []).push(n);
  return { rows, layer, edges };
}

function stateStatuses(events, selected, pending) {
  const status = new Map();
  if (!selected) return status;
  status.set(START, 'done');
  for (const e of events) {
    if (e.stateEnteredEventDetails) status.set(e.stateEnteredEventDetails.name, 'active');
    if (e.stateExitedEventDetails) status.set(e.stateExitedEventDetails.name, 'done');
  }
  for (const t of pending) if (t.executionArn === selected.executionArn && status.get(t.stateName) === 'active') status.set(t.stateName, 'waiting');
  if (selected.status === 'SUCCEEDED') status.set(END, 'done');
  if (['FAILED', 'TIMED_OUT', 'ABORTED'].includes(selected.status)) {
    for (const [n, s] of status) if (s === 'active' || s === 'waiting') status.set(n, 'failed');
  }
  return status;
}

function drawGraph(def, status, markerId) {
  const { rows, layer, edges } = layout(def);
  const W = 136;
  const H = 26;
  const GAP_X = 14;
  const GAP_Y = 30;
  const widest = Math.max(...rows.map((r) => r?.length ?? 0));
  const width = widest * (W + GAP_X) + GAP_X + 40;
  const height = rows.length * (H + GAP_Y) + GAP_Y;
  const pos = new Map();
  rows.forEach((row, l) => {
    const rowWidth = row.length * (W + GAP_X) - GAP_X;
    row.forEach((n, i) => pos.set(n, { x: (width - 40 - rowWidth) / 2 + i * (W + GAP_X), y: GAP_Y / 2 + l * (H + GAP_Y) }));
  });

  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'sw-svg', role: 'img', 'aria-label': 'State machine graph' });
  const marker = svg('marker', { id: markerId, viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'sw-arrowhead' }));
  const defs = svg('defs');
  defs.append(marker);
  root.append(defs);

  for (const [from, to] of edges) {
    const a = pos.get(from);
    const b = pos.get(to);
    if (!a || !b) continue;
    const d = layer.get(to) > layer.get(from)
      ? `M${a.x + W / 2},${a.y + H} C${a.x + W / 2},${a.y + H + GAP_Y / 2} ${b.x + W / 2},${b.y - GAP_Y / 2} ${b.x + W / 2},${b.y - 1}`
      // A loop or a jump back: around the right-hand side.
      : `M${a.x + W},${a.y + H / 2} C${a.x + W + 36},${a.y + H / 2} ${b.x + W + 36},${b.y + H / 2} ${b.x + W + 1},${b.y + H / 2}`;
    root.append(svg('path', { d, class: 'sw-edge', 'marker-end': `url(#${markerId})` }));
  }

  for (const [n, p] of pos) {
    const special = n === START || n === END;
    const label = n === START ? 'Start' : n === END ? 'End' : n;
    const g = svg('g', { class: `sw-node sw-node-${status.get(n) ?? 'idle'}${special ? ' sw-node-terminal' : ''}`, 'data-sw-state': label, 'data-sw-state-status': status.get(n) ?? 'idle' });
    const w = special ? 56 : W;
    const x = special ? p.x + (W - w) / 2 : p.x;
    g.append(svg('rect', { x, y: p.y, width: w, height: H, rx: special ? H / 2 : 4 }));
    const text = svg('text', { x: x + w / 2, y: p.y + H / 2 + 4, 'text-anchor': 'middle' });
    text.textContent = label.length > 19 ? `${label.slice(0, 18)}…` : label;
    const title = svg('title');
    title.textContent = special ? label : `${label} (${def.States[n]?.Type ?? '?'})`;
    g.append(text, title);
    root.append(g);
  }
  return root;
}

// ---- styles -----------------------------------------------------------------------------

const STYLE = `
.sw-embed { --sw-bg: #fff; --sw-fg: #16191f; --sw-muted: #5f6b7a; --sw-line: #d5dbdb; --sw-accent: #0972d3;
  --sw-active: #d3e7f9; --sw-done: #d7f0d7; --sw-done-line: #1d8102; --sw-failed: #fde2e2; --sw-failed-line: #d91515;
  --sw-waiting: #fff2cc; --sw-waiting-line: #b7791f;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--sw-fg); background: var(--sw-bg);
  border: 1px solid var(--sw-line); border-radius: 8px; padding: 10px; margin: 1em 0; box-sizing: border-box; text-align: left; }
@media (prefers-color-scheme: dark) { .sw-embed { --sw-bg: #0f1b2a; --sw-fg: #e9ebed; --sw-muted: #9ba7b6; --sw-line: #414d5c;
  --sw-active: #12365a; --sw-done: #173d17; --sw-failed: #4a1616; --sw-waiting: #4a3a10; } }
.sw-embed *, .sw-embed *::before, .sw-embed *::after { box-sizing: inherit; }
.sw-embed .sw-bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 6px; }
.sw-embed .sw-title { margin-right: auto; }
.sw-embed button { font: inherit; padding: 3px 10px; border: 1px solid var(--sw-accent); border-radius: 14px; background: transparent; color: var(--sw-accent); cursor: pointer; }
.sw-embed button:hover:not(:disabled) { background: var(--sw-accent); color: #fff; }
.sw-embed button:disabled { opacity: .5; cursor: default; }
.sw-embed .sw-status { padding: 2px 8px; border-radius: 10px; background: var(--sw-line); font-weight: 600; font-size: 12px; }
.sw-embed .sw-status[data-sw-status="RUNNING"] { background: var(--sw-active); }
.sw-embed .sw-status[data-sw-status="SUCCEEDED"] { background: var(--sw-done); color: var(--sw-done-line); }
.sw-embed .sw-status[data-sw-status="FAILED"], .sw-embed .sw-status[data-sw-status="TIMED_OUT"], .sw-embed .sw-status[data-sw-status="ABORTED"] { background: var(--sw-failed); color: var(--sw-failed-line); }
.sw-embed .sw-clock, .sw-embed .sw-muted, .sw-embed .sw-label { color: var(--sw-muted); font-size: 12px; }
.sw-embed .sw-picker { font: inherit; font-size: 12px; max-width: 100%; flex: 1; background: var(--sw-bg); color: var(--sw-fg); border: 1px solid var(--sw-line); border-radius: 4px; }
.sw-embed .sw-error { border: 1px solid var(--sw-failed-line); background: var(--sw-failed); padding: 6px 8px; border-radius: 4px; margin-bottom: 6px; white-space: pre-wrap; }
.sw-embed .sw-error ul { margin: 4px 0 0; padding-left: 18px; }
.sw-embed .sw-source { margin-bottom: 6px; }
.sw-embed .sw-source summary { cursor: pointer; color: var(--sw-muted); }
.sw-embed label.sw-label { display: block; margin-top: 6px; }
.sw-embed .sw-code { font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: color-mix(in srgb, var(--sw-line) 25%, var(--sw-bg));
  color: var(--sw-fg); border: 1px solid var(--sw-line); border-radius: 4px; padding: 6px; margin: 2px 0; white-space: pre-wrap; word-break: break-word; width: 100%; }
.sw-embed textarea.sw-code { display: block; resize: vertical; }
.sw-embed .sw-panels { display: flex; flex-wrap: wrap; gap: 10px; }
.sw-embed .sw-panel-graph { flex: 1 1 260px; overflow: auto; max-height: 460px; }
.sw-embed .sw-side { flex: 1 1 260px; display: flex; flex-direction: column; gap: 8px; min-width: 0; }
.sw-embed h4 { margin: 0 0 3px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--sw-muted); }
.sw-embed .sw-output { max-height: 180px; overflow: auto; }
.sw-embed .sw-output-failed { border-color: var(--sw-failed-line); }
.sw-embed .sw-history { list-style: none; margin: 0; padding: 0; max-height: 180px; overflow: auto; border: 1px solid var(--sw-line); border-radius: 4px; font-size: 12px; }
.sw-embed .sw-history li { display: grid; grid-template-columns: 2.2em 1fr auto auto; gap: 6px; padding: 1px 6px; border-bottom: 1px solid var(--sw-line); }
.sw-embed .sw-history li:last-child { border-bottom: 0; }
.sw-embed .sw-event-id, .sw-embed .sw-event-time, .sw-embed .sw-event-state { color: var(--sw-muted); }
.sw-embed .sw-token { border: 1px solid var(--sw-waiting-line); background: var(--sw-waiting); border-radius: 4px; padding: 6px; margin-bottom: 4px; }
.sw-embed .sw-token-actions { display: flex; gap: 6px; }
.sw-embed .sw-svg { display: block; margin: 0 auto; max-width: none; }
.sw-embed .sw-edge { fill: none; stroke: var(--sw-muted); stroke-width: 1.2; }
.sw-embed .sw-arrowhead { fill: var(--sw-muted); }
.sw-embed .sw-node rect { fill: var(--sw-bg); stroke: var(--sw-line); stroke-width: 1.5; transition: fill .15s, stroke .15s; }
.sw-embed .sw-node text { fill: var(--sw-fg); font-size: 12px; }
.sw-embed .sw-node-terminal text { fill: var(--sw-muted); font-size: 11px; }
.sw-embed .sw-node-active rect { fill: var(--sw-active); stroke: var(--sw-accent); stroke-width: 2; }
.sw-embed .sw-node-done rect { fill: var(--sw-done); stroke: var(--sw-done-line); }
.sw-embed .sw-node-failed rect { fill: var(--sw-failed); stroke: var(--sw-failed-line); stroke-width: 2; }
.sw-embed .sw-node-waiting rect { fill: var(--sw-waiting); stroke: var(--sw-waiting-line); stroke-width: 2; stroke-dasharray: 4 2; }
`;

/** One style element per document or shadow root, so an embed looks the same anywhere. */
function injectStyle(target) {
  const root = target.getRootNode ? target.getRootNode() : document;
  const host = root instanceof ShadowRoot ? root : document.head;
  if (host.querySelector(':scope > style[data-stepwise-embed]')) return;
  host.append(el('style', { 'data-stepwise-embed': '', text: STYLE }));
}

// ---- <stepwise-playground> ----------------------------------------------------------------

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
      shadow.replaceChildren(el('p', { style: 'color:#d91515', text: `stepwise-playground: ${e.message}` }));
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
