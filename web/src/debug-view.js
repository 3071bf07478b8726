// The debugger's parts of the editor: breakpoints in a gutter of their own (a click on it
// or on a line number toggles one; F9 at the cursor), the mark of the next instruction
// while paused, and the heat marks of a profiled run (instructions per line).

import { StateEffect, StateField, RangeSet } from '@codemirror/state';
import { invertedEffects } from '@codemirror/commands';
import { EditorView, Decoration, GutterMarker, gutter, gutterLineClass } from '@codemirror/view';
import { count } from './dom.js';

const toggleBreakpoint = StateEffect.define(); // { pos, on }
const clearBreakpoints = StateEffect.define();
/** Sets exactly these breakpoints: line numbers of the transaction's new text. */
export const setBreakpointLines = StateEffect.define();
const setPaused = StateEffect.define(); // { from, to } or null
const setHeat = StateEffect.define(); // [{ pos, count, share, level }] or null

class BreakpointMarker extends GutterMarker {
  eq(other) {
    return other instanceof BreakpointMarker;
  }
  toDOM() {
    const dot = document.createElement('span');
    dot.className = 'cm-breakpoint';
    dot.title = 'Breakpoint: a run pauses before this line (click to remove)';
    return dot;
  }
}
const breakpointMarker = new BreakpointMarker();

/** Breakpoints: markers at the start of their lines; they follow edits. */
const breakpointField = StateField.define({
  create: () => RangeSet.empty,
  update(set, tr) {
    set = set.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(clearBreakpoints)) set = RangeSet.empty;
      else if (e.is(setBreakpointLines)) {
        const { doc } = tr.state;
        const starts = [...new Set(e.value.filter((l) => l >= 1 && l <= doc.lines))].sort((a, b) => a - b);
        set = RangeSet.of(starts.map((l) => breakpointMarker.range(doc.line(l).from)));
      } else if (e.is(toggleBreakpoint)) {
        const { pos, on } = e.value;
        set = set.update({ filter: (from) => from !== pos });
        if (on) set = set.update({ add: [breakpointMarker.range(pos)] });
      }
    }
    return set;
  },
});

/** The lines with a breakpoint (a line merged by an edit counts once). */
export function breakpointLines(state) {
  const lines = new Set();
  const iter = state.field(breakpointField).iter();
  for (; iter.value; iter.next()) lines.add(state.doc.lineAt(iter.from).number);
  return [...lines].sort((a, b) => a - b);
}

const hasBreakpoint = (state, lineFrom) => {
  let found = false;
  state.field(breakpointField).between(lineFrom, lineFrom, () => {
    found = true;
  });
  return found;
};

/**
 * Toggles the breakpoint of line `number`. `adjust(line)` says which line really gets it
 * (the next line with an instruction), or null for none.
 */
export function toggleBreakpointAt(view, number, adjust) {
  const { state } = view;
  const line = state.doc.line(number);
  const effects = [];
  if (hasBreakpoint(state, line.from)) {
    effects.push(toggleBreakpoint.of({ pos: line.from, on: false }));
  } else {
    const target = adjust ? adjust(number) : number;
    if (target === null) return false;
    const to = state.doc.line(Math.min(Math.max(target, 1), state.doc.lines));
    if (hasBreakpoint(state, to.from)) return false;
    effects.push(toggleBreakpoint.of({ pos: to.from, on: true }));
  }
  view.dispatch({ effects });
  return true;
}

/** Does transaction `tr` set or remove breakpoints? */
export const changesBreakpoints = (tr) =>
  tr.effects.some((e) => e.is(toggleBreakpoint) || e.is(clearBreakpoints) || e.is(setBreakpointLines));

/**
 * A change of the text that also replaced the breakpoints (a new program): its undo
 * puts the old ones back. (Setting a breakpoint alone is not an edit to undo.)
 */
const invertBreakpoints = invertedEffects.of((tr) =>
  tr.docChanged && changesBreakpoints(tr) ? [setBreakpointLines.of(breakpointLines(tr.startState))] : [],
);

export const clearAllBreakpoints = (view) => view.dispatch({ effects: clearBreakpoints.of(null) });

// ---- the next instruction while paused -----------------------------------------------

/**
 * Decorations for a token at UTF-16 offsets `from`..`to` (clamped to the document): its
 * whole line gets `lineClass`, the token itself `tokenMark`. Also returns the line.
 */
export function tokenDecorations(state, from, to, lineClass, tokenMark) {
  const len = state.doc.length;
  const start = Math.min(from, len);
  const end = Math.min(Math.max(to, start), len);
  const line = state.doc.lineAt(start);
  const ranges = [Decoration.line({ class: lineClass }).range(line.from)];
  if (end > start) ranges.push(Decoration.mark(tokenMark).range(start, end));
  return { deco: Decoration.set(ranges, true), line };
}

const pausedLineClass = new (class extends GutterMarker {
  elementClass = 'cm-paused-gutter';
})();

const pausedField = StateField.define({
  create: () => ({ deco: Decoration.none, gutter: RangeSet.empty }),
  update(value, tr) {
    let { deco, gutter: marks } = value;
    deco = deco.map(tr.changes);
    marks = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setPaused)) continue;
      if (!e.value) {
        deco = Decoration.none;
        marks = RangeSet.empty;
        continue;
      }
      const marked = tokenDecorations(tr.state, e.value.from, e.value.to, 'cm-paused-line', { class: 'cm-paused-token' });
      deco = marked.deco;
      marks = RangeSet.of([pausedLineClass.range(marked.line.from)]);
    }
    return { deco, gutter: marks };
  },
  provide: (f) => [EditorView.decorations.from(f, (v) => v.deco), gutterLineClass.from(f, (v) => v.gutter)],
});

/** Marks the next instruction (and shows it), or clears the mark with null. */
export function showPaused(view, range) {
  // (Clearing nothing is no transaction.)
  if (!range && view.state.field(pausedField).deco.size === 0) return;
  const effects = [setPaused.of(range)];
  if (range) effects.push(EditorView.scrollIntoView(Math.min(range.from, view.state.doc.length), { y: 'nearest', yMargin: 40 }));
  view.dispatch({ effects });
}

// ---- heat marks ------------------------------------------------------------------------

class HeatMarker extends GutterMarker {
  constructor(n, share, level) {
    super();
    this.n = n;
    this.share = share;
    this.level = level;
  }
  eq(other) {
    return other instanceof HeatMarker && other.n === this.n && other.level === this.level;
  }
  toDOM() {
    const bar = document.createElement('span');
    bar.className = `cm-heat cm-heat-${this.level}`;
    const pct = this.share >= 0.1 ? this.share.toFixed(1) : '< 0.1';
    bar.title = `${count(this.n)} instruction${this.n === 1 ? '' : 's'} on this line (${pct}% of the run)`;
    bar.setAttribute('aria-label', bar.title);
    return bar;
  }
}

const heatField = StateField.define({
  create: () => RangeSet.empty,
  update(set, tr) {
    set = set.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setHeat)) continue;
      const marks = (e.value || [])
        .filter((m) => m.pos <= tr.state.doc.length)
        .map((m) => new HeatMarker(m.count, m.share, m.level).range(tr.state.doc.lineAt(m.pos).from));
      set = RangeSet.of(marks, true);
    }
    return set;
  },
});

/** Shows the instructions per line of a profiled run: [{ pos, count, share, level }]. */
export const showHeat = (view, marks) => {
  // (Clearing nothing is no transaction.)
  if (!marks && view.state.field(heatField).size === 0) return;
  view.dispatch({ effects: setHeat.of(marks) });
};

/** Effects that remove breakpoints, the paused mark and heat marks (a new program). */
export const resetDebugMarks = () => [clearBreakpoints.of(null), setPaused.of(null), setHeat.of(null)];

// ---- the extension ---------------------------------------------------------------------

const spacer = new (class extends GutterMarker {
  toDOM() {
    const s = document.createElement('span');
    s.className = 'cm-breakpoint-spacer';
    return s;
  }
})();

/**
 * The gutters and marks. `onToggle(view, lineNumber)` is called for a click on the
 * breakpoint gutter or a line number.
 */
export function debugExtensions(onToggle) {
  const click = (view, line, event) => {
    if (event.button !== 0) return false;
    onToggle(view, view.state.doc.lineAt(line.from).number);
    return true;
  };
  return {
    breakpointGutter: [
      breakpointField,
      invertBreakpoints,
      gutter({
        class: 'cm-breakpoint-gutter',
        markers: (view) => view.state.field(breakpointField),
        initialSpacer: () => spacer,
        renderEmptyElements: true,
        domEventHandlers: { mousedown: click },
      }),
    ],
    heatGutter: [heatField, gutter({ class: 'cm-heat-gutter', markers: (view) => view.state.field(heatField) })],
    paused: pausedField,
    click,
  };
}

/** The editor theme of these parts (colours from the page's CSS variables). */
export const debugTheme = {
  // A breakpoint is a tag pointing at its line (as in browsers' developer tools), in a
  // colour of its own: not the red circle of a compile error in the gutter beside it.
  '.cm-breakpoint-gutter .cm-gutterElement': { cursor: 'pointer', padding: '0 2px 0 4px', display: 'flex', alignItems: 'center' },
  '.cm-breakpoint, .cm-breakpoint-spacer, .cm-breakpoint-gutter .cm-gutterElement:empty:hover::before': {
    display: 'inline-block',
    width: '15px',
    height: '13px',
  },
  '.cm-breakpoint, .cm-breakpoint-gutter .cm-gutterElement:empty:hover::before': {
    clipPath: 'polygon(0 0, 65% 0, 100% 50%, 65% 100%, 0 100%)',
    borderRadius: '2px 0 0 2px',
  },
  '.cm-breakpoint-gutter .cm-gutterElement:empty:hover::before': { content: '""', backgroundColor: 'var(--bp-hover)' },
  '.cm-lineNumbers .cm-gutterElement': { cursor: 'pointer' },
  '.cm-breakpoint': { backgroundColor: 'var(--bp)' },
  '.cm-paused-line': { backgroundColor: 'var(--paused-line)' },
  '.cm-paused-token': {
    backgroundColor: 'var(--paused-token)',
    outline: '1px solid var(--paused-outline)',
    borderRadius: '2px',
  },
  '.cm-gutterElement.cm-paused-gutter': { backgroundColor: 'var(--paused-line)', color: 'var(--text)' },
  '.cm-heat-gutter .cm-gutterElement': { padding: '0 1px', display: 'flex', alignItems: 'stretch' },
  '.cm-heat': { display: 'inline-block', width: '6px', borderRadius: '2px', margin: '2px 0' },
  '.cm-heat-1': { backgroundColor: 'var(--heat-1)' },
  '.cm-heat-2': { backgroundColor: 'var(--heat-2)' },
  '.cm-heat-3': { backgroundColor: 'var(--heat-3)' },
  '.cm-heat-4': { backgroundColor: 'var(--heat-4)' },
  '.cm-heat-5': { backgroundColor: 'var(--heat-5)' },
};
