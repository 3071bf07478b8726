// The Format button (and Shift+Alt+F): the program in the layout of `svm fmt`, formatted by
// the worker (vm-wasm's `format`), so that a huge program does not block the page. The
// change is one undoable step made of the whitespace edits of format-edits.js (Ctrl+Z
// brings back the text as it was); the cursor stays at its token and the breakpoints on
// their lines. A program with lexical
// errors is left as it is, and its errors are shown in the Errors panel as a run shows them
// (they go into the run state: run-control.js `formatErrors`), until a Format succeeds.

import { Transaction } from '@codemirror/state';
import { isolateHistory } from '@codemirror/commands';
import { counted } from './dom.js';
import { Tracker } from './positions.js';
import { setBreakpointLines } from './debug-view.js';

export class Formatter {
  /**
   * `editor` (editor.js); `runner()`: the runner, or null before the module is there;
   * `errors(diagnostics, track)`: shows lexical errors of the text `track` (a Tracker) in
   * the Errors panel (none: takes Format's errors away); `notice(label, detail)`: a message in the Status.
   */
  constructor({ editor, runner, errors, notice }) {
    Object.assign(this, { editor, runner, errors, notice });
    /** The text whose errors the Errors panel shows (its positions follow later edits). */
    this.track = null;
  }

  /** The program was edited: the positions of the errors shown follow. */
  edit(changes) {
    if (this.track) this.track.edit(changes);
  }

  /** Formats the editor's program. */
  async format() {
    const runner = this.runner();
    if (!runner || !runner.alive) {
      this.notice('Not formatted', 'the runner is not loaded');
      return;
    }
    const { view } = this.editor;
    const { doc, selection } = view.state;
    const { anchor, head } = selection.main;
    const answer = await runner.format(doc.toString(), { anchor, head, lines: this.editor.breakpoints() });
    if (answer.error) return this.notice('Not formatted', answer.error);
    if (view.state.doc !== doc) return this.notice('Not formatted', 'the program changed while it was being formatted: format it again');
    if (answer.diagnostics) {
      this.track = new Tracker(doc);
      this.errors(answer.diagnostics, this.track);
      this.notice('Not formatted', `${counted(answer.diagnostics.length, 'error')} in the program: see Errors`);
      return;
    }
    // Formatted (or nothing to do): the errors of an earlier Format go.
    this.track = null;
    this.errors([], null);
    if (!answer.changes.length) return this.notice('Already formatted');
    view.dispatch({
      changes: answer.changes,
      selection: { anchor: answer.anchor, head: answer.head },
      // The breakpoints stay on their lines (also where changes were merged); undo restores them.
      effects: setBreakpointLines.of(answer.lines),
      scrollIntoView: true,
      annotations: [isolateHistory.of('full'), Transaction.userEvent.of('format')],
    });
    this.notice('Formatted', 'Ctrl+Z in the editor brings back the text as it was');
  }
}
