// The program editor: CodeMirror 6 with the language mode, diagnostics as you type (with
// one-click fixes) and completion (completion.js), the static stack effects as you type
// (stack-hints.js: a hint per line, warnings, a label's effect on hover), hover help for
// operations and labels,
// the runtime error mark, Ctrl/Cmd+Enter, and the debugger's breakpoints, paused mark and
// heat marks (debug-view.js).

import { EditorState, Compartment, Prec, StateEffect, StateField } from '@codemirror/state';
import {
  EditorView,
  Decoration,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
  dropCursor,
  hoverTooltip,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab, invertedEffects, isolateHistory } from '@codemirror/commands';
import { search, searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { linter, lintGutter, lintKeymap, forceLinting } from '@codemirror/lint';
import { syntaxTree } from '@codemirror/language';
import { svmLanguage, svmHighlight } from './lang.js';
import { completion, fixActions, definedLabels } from './completion.js';
import { h } from './dom.js';
import { stackHints, setStackHints, hintMarks, labelEffect } from './stack-hints.js';
import { debugExtensions, debugTheme, breakpointLines, toggleBreakpointAt, clearAllBreakpoints, changesBreakpoints, resetDebugMarks, setBreakpointLines, showPaused, showHeat, tokenDecorations } from './debug-view.js';

/** Programs longer than this are checked when run, not as you type. */
const LINT_MAX_CHARS = 512 * 1024;
/** Completion offers the labels of programs up to this long (it reads them at every request). */
const COMPLETION_LABELS_CHARS = 256 * 1024;

const setRuntimeError = StateEffect.define();
/** Checks the text again, though it has not changed (the checker is ready). */
const recheck = StateEffect.define();

/**
 * The fields that go with the program (the page's arguments and input), changed in the
 * same transaction as the text: `{ before, after }`. Undo applies its inverse, so
 * Ctrl+Z after loading an example brings back the arguments and input it replaced.
 */
const setFields = StateEffect.define();
const invertFields = invertedEffects.of((tr) =>
  tr.effects.filter((e) => e.is(setFields)).map((e) => setFields.of({ before: e.value.after, after: e.value.before })),
);

/**
 * Colours come from the page's CSS variables, so the editor follows the page's theme
 * (the system's, or the one chosen in Settings); the font size is the Settings' too.
 */
const theme = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--panel)', color: 'var(--text)', fontSize: 'var(--editor-font-size, 14px)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)', color: 'var(--text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
    { backgroundColor: 'var(--selection)' },
  '.cm-selectionMatch': { backgroundColor: 'var(--code-bg)' },
  '.cm-panels': { backgroundColor: 'var(--panel)', color: 'var(--text)' },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--border)' },
  '.cm-textfield': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-button': { backgroundImage: 'none', backgroundColor: 'var(--code-bg)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-tooltip': {
    backgroundColor: 'var(--panel)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
    borderRadius: '6px',
    boxShadow: '0 4px 14px rgb(0 0 0 / 0.15)',
  },
  ...debugTheme,
  '.cm-diagnostic': { whiteSpace: 'pre-wrap', fontFamily: 'var(--sans)', maxWidth: '480px' },
  '.cm-diagnosticAction': { backgroundColor: 'var(--accent)', color: 'var(--accent-text)', borderRadius: '4px', padding: '2px 8px', font: 'inherit' },
  '.cm-tooltip.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--mono)' },
  '.cm-tooltip.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--selection)', color: 'var(--text)' },
  '.cm-completionDetail': { color: 'var(--muted)', fontStyle: 'normal' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected] .cm-completionDetail': { color: 'var(--text)' },
  '.cm-completionMatchedText': { textDecoration: 'none', fontWeight: '700' },
  '.cm-tooltip.cm-completionInfo': { fontFamily: 'var(--sans)', maxWidth: '320px', padding: '4px 8px' },
  '.cm-diagnosticSource': { color: 'var(--muted)' },
  // The wave is drawn clear of the descenders: an `_` stays visible above it.
  '.cm-runtime-error': {
    textDecoration: 'underline wavy var(--error) 1.5px',
    textUnderlineOffset: '0.45em',
    textDecorationSkipInk: 'none',
    backgroundColor: 'var(--error-bg)',
  },
  '.cm-runtime-error-line': { backgroundColor: 'color-mix(in srgb, var(--error-bg) 60%, transparent)' },
  '.hover-op': { padding: '6px 10px', maxWidth: '420px', fontFamily: 'var(--sans)', fontSize: '13.5px' },
  '.hover-head': { fontWeight: '600' },
  '.hover-name': { color: 'var(--tok-op)' },
  '.hover-op p': { margin: '4px 0' },
  '.hover-op pre': {
    margin: '0',
    padding: '4px 6px',
    backgroundColor: 'var(--code-bg)',
    borderRadius: '4px',
    whiteSpace: 'pre-wrap',
    fontFamily: 'var(--mono)',
  },
});

/** The runtime error mark: the failing token and its line; it follows edits. */
const runtimeErrorField = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setRuntimeError)) continue;
      if (!e.value) {
        deco = Decoration.none;
        continue;
      }
      const mark = { class: 'cm-runtime-error', attributes: { title: e.value.message } };
      deco = tokenDecorations(tr.state, e.value.from, e.value.to, 'cm-runtime-error-line', mark).deco;
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/**
 * The key bindings other than the default, each a chunk of its own (lazy-vim.js,
 * lazy-emacs.js) fetched only when chosen: the page's first load does not carry them.
 */
const KEY_BINDING_MODULES = {
  vim: () => import('./lazy-vim.js').then((m) => m.vim()),
  emacs: () => import('./lazy-emacs.js').then((m) => m.emacs()),
};

/** The word (a token that is not a string or comment) at `pos`, with its style. */
function tokenAt(state, pos, side) {
  const node = syntaxTree(state).resolveInner(pos, side);
  const line = state.doc.lineAt(pos);
  const text = line.text;
  let a = pos - line.from;
  let b = a;
  const isWord = (c) => c !== undefined && !/[\s#"]/.test(c);
  while (a > 0 && isWord(text[a - 1])) a--;
  while (b < text.length && isWord(text[b])) b++;
  if (a === b) return null;
  const style = node ? node.name : '';
  if (/string|comment|escape/i.test(style)) return null;
  return { from: line.from + a, to: line.from + b, word: text.slice(a, b), style };
}

function opTooltip(op) {
  return h(
    'div',
    { class: 'hover-op' },
    h('div', { class: 'hover-head' }, h('code', { class: 'hover-name' }, op.name), ' ', h('code', {}, op.effect)),
    h('p', {}, op.doc),
    h('pre', {}, op.example),
  );
}

/**
 * Makes the editor in `host` (inside a shadow root of it): its state, then, in a task of
 * its own, its view; resolves to the editor.
 *
 * hooks: { doc, onRun(), onChange(view, changes), check(source) -> a promise of
 *   { compiled, effects } (vm-wasm's compile() and effects()) or of null; or, without
 *   check, compile(source) -> compile()'s result or null (no stack effects then),
 *   breakpointLine(line) -> the line that gets a breakpoint clicked on `line` (or null),
 *   onBreakpoints(lines), onFields(fields): a change, an undo or a redo set the fields that
 *   go with the program (what `setDoc` was given), tabIndents: Tab indents (else it moves
 *   the focus on, the default) }
 */
export async function createEditor(host, hooks) {
  // The editor lives in a shadow root: CodeMirror then mounts its styles as constructed
  // style sheets, which the page's Content-Security-Policy (no inline styles) allows.
  const parent = host.attachShadow({ mode: 'open' });
  const language = new Compartment();
  const undoHistory = new Compartment();
  // Tab: by default the browser's (the focus moves on, as everywhere on the page); Tab
  // indents only when the person chose it (setTabIndents), and then Esc, Tab leaves.
  const tabKeys = new Compartment();
  const tabKeymap = (on) => [
    keymap.of(on ? [indentWithTab] : []),
    EditorView.contentAttributes.of({ 'aria-label': on ? 'Program (Ctrl+Enter runs it; Tab indents: Esc then Tab leaves the editor)' : 'Program (Ctrl+Enter runs it)' }),
  ];
  // The Settings: line wrap, and the key bindings (default, Vim or Emacs).
  const wrap = new Compartment();
  const keyBindings = new Compartment();
  let keyBindingsAsked = 'default';
  let opsByName = new Map();
  let lastLabels = [];

  let lastEffects = null;

  const lintSource = async (view) => {
    const doc = view.state.doc;
    if (doc.length > LINT_MAX_CHARS) return [];
    const source = doc.toString();
    // In the checker's worker (the page's editor), or here (the embeddable page's).
    const checked = hooks.check ? await hooks.check(source) : { compiled: hooks.compile(source), effects: null };
    // Nothing to say yet, or the text changed meanwhile (the linter drops what is returned then).
    if (!checked?.compiled || view.state.doc !== doc) return [];
    const result = checked.compiled;
    lastLabels = result.labels || [];
    // The stack effects of a program that compiles (else none: they would be of an older text).
    lastEffects = result.ok ? checked.effects : null;
    view.dispatch({ effects: setStackHints.of(hintMarks(lastEffects, doc.length)) });
    const len = doc.length;
    const diagnostic = (d, severity) => {
      const from = Math.min(d.from, len);
      let to = Math.min(Math.max(d.to, from), len);
      if (to === from && to < len) to = from + 1;
      const notes = d.notes.map((n) => `\nnote: ${n.message}${n.span ? ` (line ${n.span.line}, column ${n.span.column})` : ''}`);
      return {
        from,
        to,
        severity,
        source: `line ${d.line}, column ${d.column}`,
        message: d.message + notes.join(''),
        actions: severity === 'error' ? fixActions(d) : [],
      };
    };
    const warnings = lastEffects?.complete ? lastEffects.warnings : [];
    return [...result.diagnostics.map((d) => diagnostic(d, 'error')), ...warnings.map((w) => diagnostic(w, 'warning'))];
  };

  const hover = hoverTooltip((view, pos, side) => {
    const tok = tokenAt(view.state, pos, side);
    if (!tok) return null;
    let dom = null;
    const op = opsByName.get(tok.word);
    if (op) {
      dom = opTooltip(op);
    } else if (/labelName/.test(tok.style)) {
      const name = tok.word.replace(/:$/, '');
      const label = lastLabels.find((l) => l.name === name);
      // A program that does not compile (another label undefined, say) has no addresses
      // yet: the label's line is read from the text as the lexer reads it.
      const written = label ? null : view.state.doc.length <= LINT_MAX_CHARS ? definedLabels(view.state.doc.toString()).find((l) => l.name === name) : null;
      const effect = label ? labelEffect(lastEffects, name) : null;
      const text = label
        ? `Defined on line ${label.span.line}; address ${label.address}.${effect ? ` Stack effect ${effect} (found without running).` : ''}`
        : written
          ? `Defined on line ${written.line}; its address is known once the program compiles.`
          : null;
      if (text) dom = h('div', { class: 'hover-op' }, h('div', { class: 'hover-head' }, 'label ', h('code', { class: 'hover-name' }, name)), h('p', {}, text));
    }
    if (!dom) return null;
    return { pos: tok.from, end: tok.to, above: true, create: () => ({ dom }) };
  });

  const toggle = (view, number) => toggleBreakpointAt(view, number, hooks.breakpointLine);
  const debug = debugExtensions(toggle);

  const state = EditorState.create({
      doc: hooks.doc,
      extensions: [
        // Before every other keymap: Vim's and Emacs' keys come first.
        Prec.highest(keyBindings.of([])),
        wrap.of(hooks.lineWrap ? EditorView.lineWrapping : []),
        theme,
        debug.breakpointGutter,
        lineNumbers({ domEventHandlers: { mousedown: debug.click } }),
        debug.heatGutter,
        debug.paused,
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        undoHistory.of(history()),
        invertFields,
        drawSelection(),
        dropCursor(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        search({ top: true }),
        language.of(svmLanguage(new Set())),
        svmHighlight,
        // (A recheck: forceLinting alone does nothing once the text has been linted.)
        linter(lintSource, { delay: 300, needsRefresh: (u) => u.transactions.some((tr) => tr.effects.some((e) => e.is(recheck))) }),
        stackHints,
        lintGutter(),
        hover,
        completion({ ops: () => [...opsByName.values()], maxChars: COMPLETION_LABELS_CHARS }),
        runtimeErrorField,
        keymap.of([
          {
            key: 'Mod-Enter',
            run: () => {
              hooks.onRun();
              return true;
            },
            preventDefault: true,
          },
          {
            key: 'F9',
            run: (v) => toggle(v, v.state.doc.lineAt(v.state.selection.main.head).number),
            preventDefault: true,
          },
          ...defaultKeymap,
          ...historyKeymap,
          ...searchKeymap,
          // F8 is the debugger's Continue here, not "next diagnostic".
          ...lintKeymap.filter((k) => k.key !== 'F8'),
        ]),
        tabKeys.of(tabKeymap(Boolean(hooks.tabIndents))),
        // tabindex 0: still one tab stop, and focusable content of the scrolled editor for
        // checkers (axe counts contenteditable alone as not focusable).
        EditorView.contentAttributes.of({ tabindex: '0' }),
        EditorView.updateListener.of((u) => {
          for (const tr of u.transactions) {
            for (const e of tr.effects) if (e.is(setFields)) hooks.onFields(e.value.after);
          }
          if (u.docChanged) hooks.onChange(u.view, u.changes);
          if (u.transactions.some(changesBreakpoints)) {
            hooks.onBreakpoints(breakpointLines(u.state));
          }
        }),
      ],
    });
  // The view (its DOM, styles and first layout) is made in a task of its own: with the
  // state, it took one task of 40–90 ms of thread time (start-up, web/README.md).
  await new Promise((resolve) => setTimeout(resolve));
  const view = new EditorView({ parent, state });

  return {
    view,
    /** Are long lines wrapped (true), or scrolled sideways (false, the default)? */
    setLineWrap(on) {
      view.dispatch({ effects: wrap.reconfigure(on ? EditorView.lineWrapping : []) });
    },
    /** The font size changed (the page's --editor-font-size): the editor measures its lines again. */
    fontSizeChanged() {
      view.requestMeasure();
    },
    /**
     * The key bindings: "default", "vim" or "emacs" (its chunk fetched the first time).
     * Resolves once they are in force; rejects when the chunk cannot be fetched (the
     * bindings in force are kept). Of two calls close together, the later one wins.
     */
    async setKeyBindings(name) {
      keyBindingsAsked = name;
      const ext = KEY_BINDING_MODULES[name] ? await KEY_BINDING_MODULES[name]() : [];
      if (keyBindingsAsked !== name) return;
      view.dispatch({ effects: keyBindings.reconfigure(ext) });
    },
    /** Does Tab indent (true), or move the focus on as elsewhere (false, the default)? */
    setTabIndents(on) {
      view.dispatch({ effects: tabKeys.reconfigure(tabKeymap(on)) });
    },
    /** Checks the text again (the checker has just started). */
    recheck: () => view.dispatch({ effects: recheck.of(null) }),
    /** Call once the op reference is known: highlights op names, enables hover help. */
    setOps(ops) {
      opsByName = new Map(ops.map((o) => [o.name, o]));
      view.dispatch({ effects: language.reconfigure(svmLanguage(new Set(opsByName.keys()))) });
      forceLinting(view);
    },
    /** Marks the failing token of a runtime error (or clears the mark with null). */
    setRuntimeError(err) {
      // (Clearing nothing is no transaction: each costs the editor an update and a
      // measure, and Run clears several marks.)
      if (!err && view.state.field(runtimeErrorField).size === 0) return;
      view.dispatch({ effects: setRuntimeError.of(err) });
    },
    /** The lines with a breakpoint. */
    breakpoints: () => breakpointLines(view.state),
    /** Toggles the breakpoint of a line (as a click in the gutter does). */
    toggleBreakpoint: (line) => toggle(view, line),
    clearBreakpoints: () => clearAllBreakpoints(view),
    /** Sets exactly these breakpoints (lines; those past the end are left out). */
    setBreakpoints: (lines) => view.dispatch({ effects: setBreakpointLines.of(lines) }),
    /** Marks the next instruction of a paused run ({ from, to }), or clears it (null). */
    showPaused: (range) => showPaused(view, range),
    /** Heat marks: [{ pos, count, share, level }], or null to clear them. */
    showHeat: (marks) => showHeat(view, marks),
    /**
     * Replaces the program as one undoable change, without marks, with `breakpoints`
     * (lines) or none. `fields`: what goes with the new program ({ args, stdin });
     * `current`: what went with the old one. An undo restores the old text, breakpoints
     * and fields (through `onFields`).
     */
    setDoc(text, { breakpoints = [], fields = null, current = null } = {}) {
      const effects = [...resetDebugMarks(), setBreakpointLines.of(breakpoints)];
      if (fields) effects.push(setFields.of({ before: current, after: fields }));
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        selection: { anchor: 0 },
        scrollIntoView: true,
        effects,
        annotations: isolateHistory.of('full'),
      });
    },
    /** Forgets the undo history (another program was opened: Ctrl+Z must not bring the last one into it). */
    clearHistory() {
      view.dispatch({ effects: undoHistory.reconfigure([]) });
      view.dispatch({ effects: undoHistory.reconfigure(history()) });
    },
    /** Selects a range and shows it. */
    select(from, to) {
      const len = view.state.doc.length;
      from = Math.max(0, Math.min(from, len));
      to = Math.max(from, Math.min(to, len));
      view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
      view.focus();
    },
    text: () => view.state.doc.toString(),
  };
}
