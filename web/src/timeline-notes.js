// The timeline's marks in the editor: at the end of each line, a faint note of the stack
// after that line last ran (as Uiua's pad shows), and the marks of the selected step's
// instruction and of the token that pushed a clicked value. Positions are the editor's
// (the caller maps a run's spans through later edits), and follow edits.

import { StateEffect, StateField } from '@codemirror/state';
import { EditorView, Decoration } from '@codemirror/view';
import { textWidgets } from './text-widgets.js';

/** The stack notes: [{ pos, text, title }] (pos: the end of a line in the editor's text), or null. */
const { set: setNotes, field: notesField } = textWidgets({ className: 'cm-stack-note', testid: 'stack-note', ignoreEvent: true });
/** { step: { from, to } | null, origin: { from, to } | null } */
const setMarks = StateEffect.define();

const mark = (cls, r, len) => {
  const from = Math.min(r.from, len);
  const to = Math.min(Math.max(r.to, from), len);
  return to > from ? [Decoration.mark({ class: cls }).range(from, to)] : [];
};

const marksField = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setMarks)) continue;
      const len = tr.state.doc.length;
      const { step, origin } = e.value;
      const ranges = [...(step ? mark('cm-timeline-step', step, len) : []), ...(origin ? mark('cm-timeline-origin', origin, len) : [])];
      deco = Decoration.set(ranges, true);
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const theme = EditorView.baseTheme({
  '.cm-stack-note': { marginLeft: '2.5em', fontStyle: 'italic', color: 'var(--muted, #555)', whiteSpace: 'pre' },
  '.cm-timeline-step': { backgroundColor: 'var(--paused-token, #ffeaa6)', borderRadius: '2px' },
  '.cm-timeline-origin': { outline: '2px dashed var(--accent, #2563eb)', borderRadius: '2px' },
});

/** Installs the notes and marks in `view` (an EditorView); returns what sets them. */
export function attachTimelineMarks(view) {
  view.dispatch({ effects: StateEffect.appendConfig.of([notesField, marksField, theme]) });
  return {
    /** [{ pos, text, title }], or null to clear them. */
    notes: (notes) => {
      // (Clearing nothing is no transaction: each costs the editor an update.)
      if (!notes && view.state.field(notesField).size === 0) return;
      view.dispatch({ effects: setNotes.of(notes) });
    },
    /** The selected step's instruction and a clicked value's token ({ from, to } or null each). */
    marks: (step, origin) => {
      if (!step && !origin && view.state.field(marksField).size === 0) return;
      view.dispatch({ effects: setMarks.of({ step, origin }) });
    },
  };
}
