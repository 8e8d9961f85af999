// The playground's code editor: CodeMirror 6 in place of the plain textarea. The Yew component
// (crates/playground/src/components/editor.rs) renders the textarea, and its loader
// (crates/playground/js/editor_loader.js) imports this bundle after the first paint and calls
// `mount`. From then on the Rust side sends `update(key, text, diagnostics)` after each render
// and hears about each edit through `onChange(text)`.
//
// The text is kept byte for byte: only "\n" separates lines (a "\r" stays a character of its
// line), and nothing is reformatted on the way in or out.

import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import {
  bracketMatching, foldGutter, foldKeymap, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting, syntaxTree,
} from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { Annotation, EditorSelection, EditorState } from '@codemirror/state';
import {
  drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, hoverTooltip,
  keymap, lineNumbers, placeholder,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';

import { completeAsl, helpAt } from './asl.js';

/** Marks the transactions that bring in text from the Rust side, so they are not echoed back. */
const external = Annotation.define();

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--tk-key)' },
  { tag: tags.string, color: 'var(--tk-str)' },
  { tag: tags.number, color: 'var(--tk-num)' },
  { tag: [tags.bool, tags.null], color: 'var(--tk-lit)' },
  { tag: [tags.separator, tags.brace, tags.squareBracket], color: 'var(--tk-punct)' },
]);

// Colours come from the page's custom properties, so the light and dark themes both apply.
const theme = EditorView.theme({
  '&': { height: '100%', color: 'var(--text)', backgroundColor: 'var(--code-bg)', fontSize: '12.5px' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace', lineHeight: '19px' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--panel-2)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'rgba(127, 127, 127, .08)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'rgba(9, 114, 211, .25)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-panels': { backgroundColor: 'var(--panel-2)', color: 'var(--text)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-tooltip.cm-tooltip-hover': { maxWidth: '420px', padding: '4px 8px' },
  '.sw-help-title': { fontWeight: '600', fontFamily: 'ui-monospace, monospace' },
  '.cm-diagnosticText': { whiteSpace: 'pre-wrap' },
});

const help = hoverTooltip((view, pos, side) => {
  const found = helpAt(view.state, pos, side);
  if (!found) return null;
  return {
    pos: found.from,
    end: found.to,
    above: true,
    create() {
      const dom = document.createElement('div');
      dom.className = 'sw-help';
      dom.setAttribute('data-testid', 'editor-help');
      const title = dom.appendChild(document.createElement('div'));
      title.className = 'sw-help-title';
      title.textContent = found.title;
      dom.appendChild(document.createElement('div')).textContent = found.body;
      return { dom };
    },
  };
});

/** From 1-based line and column (Unicode scalar values, as the validator counts) to an offset. */
function offsetOf(doc, line, column) {
  if (!line) return 0;
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  let offset = l.from;
  let left = Math.max((column || 1) - 1, 0);
  for (const ch of l.text) {
    if (left-- <= 0) break;
    offset += ch.length;
  }
  return Math.min(offset, l.to);
}

/** The validator's diagnostics as @codemirror/lint's: each marks the token it points at. */
function toLint(state, diagnostics) {
  const { doc } = state;
  const tree = syntaxTree(state);
  return diagnostics.map((d) => {
    const from = offsetOf(doc, d.line, d.column);
    const node = tree.resolveInner(from, 1);
    const token = ['PropertyName', 'String', 'Number', 'True', 'False', 'Null'].includes(node.name) && node.from === from;
    const to = token ? node.to : Math.min(doc.lineAt(from).to, from + 1);
    return {
      from,
      to,
      severity: d.severity === 'ERROR' ? 'error' : 'warning',
      source: d.code,
      message: d.location ? `${d.message} (${d.location})` : d.message,
    };
  });
}

/** `{ from, to, insert }` replacing only what differs between `a` and `b`. */
function diff(a, b) {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
  return { from: start, to: a.length - end, insert: b.slice(start, b.length - end) };
}

/**
 * Puts CodeMirror into `host` in place of `textarea`, with the textarea's text (what the user
 * typed before the switch) and its caret. `options`: `{ key, text, diagnostics, testid, label,
 * placeholder, asl }`, where `text` is the Rust side's copy of the text (which may hold a "\r"
 * that the textarea cannot).
 */
export function mount(host, textarea, options, onChange) {
  const typed = textarea ? textarea.value : null;
  const model = options.text ?? '';
  // A textarea turns "\r\n" and "\r" into "\n": the same text once that is undone is the model's.
  const text = typed === null || typed === model.replace(/\r\n?/g, '\n') ? model : typed;
  const hadFocus = textarea && document.activeElement === textarea;
  const caret = hadFocus ? [textarea.selectionStart, textarea.selectionEnd] : null;

  const extensions = [
    EditorState.lineSeparator.of('\n'),
    EditorState.tabSize.of(2),
    indentUnit.of('  '),
    lineNumbers(),
    highlightActiveLineGutter(),
    foldGutter(),
    lintGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    search({ top: true }),
    json(),
    syntaxHighlighting(highlight),
    theme,
    // Tab indents; Escape then Tab moves focus on (CodeMirror's tab-focus mode), so a keyboard
    // user is never trapped.
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap,
      ...completionKeymap, ...lintKeymap, indentWithTab]),
    EditorView.contentAttributes.of({
      'data-testid': options.testid,
      'aria-label': options.label || 'Code',
      'aria-description': 'Tab indents. Press Escape, then Tab, to move on.',
    }),
    EditorView.updateListener.of((update) => {
      if (!update.docChanged || update.transactions.every((t) => t.annotation(external))) return;
      const now = update.state.doc.toString();
      sent.add(now);
      if (sent.size > 64) sent.delete(sent.values().next().value);
      onChange(now);
    }),
  ];
  if (options.placeholder) extensions.push(placeholder(options.placeholder));
  if (options.asl) {
    extensions.push(autocompletion({ override: [completeAsl], icons: false }), help);
  }

  // One state (text, undo history, folds, selection) per key: a machine's history survives a
  // visit to another machine.
  const states = new Map();
  const fresh = (doc) => EditorState.create({ doc, extensions });
  // Texts sent to the Rust side that it may still echo back in an update from an older render.
  const sent = new Set();
  let key = options.key ?? '';

  textarea?.setAttribute('hidden', '');
  host.hidden = false;
  const view = new EditorView({ state: fresh(text), parent: host });
  if (caret) {
    const len = view.state.doc.length;
    view.dispatch({ selection: EditorSelection.single(Math.min(caret[0], len), Math.min(caret[1], len)) });
    view.focus();
  }

  const controller = {
    view,
    /** The text, exactly (the e2e specs read it here). */
    text: () => view.state.doc.toString(),
    update(newKey, newText, diagnosticsJson) {
      const current = view.state.doc.toString();
      if (newKey !== key) {
        states.set(key, view.state);
        key = newKey;
        const saved = states.get(key);
        // Kept only while nothing else changed the text in between (an example, a share link).
        view.setState(saved && saved.doc.toString() === newText ? saved : fresh(newText));
        sent.clear();
      } else if (newText !== current) {
        if (sent.has(newText)) return; // an older render's copy: the editor is ahead of it
        view.dispatch({ changes: diff(current, newText), annotations: external.of(true) });
        sent.clear();
      } else {
        sent.clear();
      }
      let diagnostics = [];
      try {
        diagnostics = JSON.parse(diagnosticsJson || '[]');
      } catch {
        // A malformed list only costs the markers.
      }
      view.dispatch(setDiagnostics(view.state, toLint(view.state, diagnostics)));
    },
    /** Puts the caret at the start of `line` (1-based), scrolls there and focuses the editor. */
    reveal(line) {
      const at = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines)).from;
      view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      view.focus();
    },
    destroy() {
      view.destroy();
      delete host.stepwiseEditor;
    },
  };
  host.stepwiseEditor = controller;
  controller.update(key, text, options.diagnostics);
  return controller;
}
