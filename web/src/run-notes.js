// Which run the result panels describe. Output, Stack, Timeline, Profile and Errors show a run;
// once the editor's program is not that run's any more (edited, or another program
// loaded), each says so in its heading: "the run of “Square” at 19:05:12: not the program
// in the editor". The Status's note uses the same words.

/** A run's time, "19:05:12". */
export const clock = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * The note of a panel that shows run `run` ({ at, name, key }: when it started, the name
 * of the program it ran and which program that was) while the editor has program
 * `current` ({ key }), `edited` since the run started (`replaced`: the run's text all
 * replaced, see positions.js): '' when the panel shows the editor's program.
 */
export function runNote(run, { edited, current, replaced = false }) {
  if (!run || !edited) return '';
  if (otherProgram(run, { edited, current, replaced })) return `the run of “${run.name}” at ${clock(run.at)}: not the program in the editor`;
  return `the run of ${clock(run.at)}: the program was edited since`;
}

/** Is `run` of another program than the editor's (the same arguments as `runNote`)? */
export const otherProgram = (run, { edited, current, replaced = false }) => Boolean(run && edited && (current.key !== run.key || replaced));

/**
 * The Status's note on the run it describes, once the program was edited since (`note`:
 * that run's `runNote`, '' on a page without the headings' notes). Under a notice of the
 * page (`idle`): which run the panels show (`errors`: the Errors panel shows its errors
 * too). Otherwise: a run of another program (`other`) in the headings' words, and a run
 * of the same program that its positions follow the edits.
 */
export function statusNote(note, { idle = true, errors = false, other = false } = {}) {
  if (idle) return note ? `the program was edited since the last run: ${errors ? 'Output, Stack and Errors show' : 'Output and Stack show'} ${note}` : '';
  return other && note ? note : 'the program was edited since this run: positions follow the edits';
}

export class RunNotes {
  /**
   * `els`: { output, stack, timeline, profile, errors }, an element in each panel's heading;
   * `current()`: the program the editor shows ({ name, key }, saved-program.js `title`);
   * `state()`: the run state (run-state.js), whose `run` is the last run ({ track, at,
   * name, key }) and whose `profile.run` the last profiled run.
   */
  constructor(els, { current, state }) {
    Object.assign(this, { els, current, state });
    this.drawn = null;
  }

  /** The notes follow the run state: a new run, a new profiled run, or new errors. */
  render(state) {
    const runs = [state.run, state.profile?.run, state.errors];
    if (this.drawn && runs.every((r, i) => r === this.drawn[i])) return;
    this.drawn = runs;
    this.refresh();
  }

  /** What `runNote` and `otherProgram` are told of `run`. */
  against(run) {
    return { edited: run.track.edited, current: this.current(), replaced: run.track.replaced };
  }

  /** The note of the last run (or of `run`), '' when it shows the editor's program. */
  note(run = this.state().run) {
    return run ? runNote(run, this.against(run)) : '';
  }

  /** Does the Errors panel show errors of the last run (not Format's)? */
  errorsOfRun() {
    const { errors, run } = this.state();
    return Boolean(errors && run && errors.track === run.track);
  }

  /**
   * Is the text of `track` (the last run's, or the one Format read) not the program in the
   * editor any more? Its positions then point into another program.
   */
  other(track) {
    if (!track) return false;
    const run = this.state().run;
    if (run && track === run.track) return otherProgram(run, this.against(run));
    return track.replaced;
  }

  /** Redraws the notes (the program was edited, or another was loaded). */
  refresh() {
    const state = this.state();
    const run = this.note(state.run);
    const profile = this.note(state.profile?.run ?? null);
    const errors = this.errorsOfRun() ? run : '';
    for (const [key, text] of [['output', run], ['stack', run], ['timeline', run], ['profile', profile], ['errors', errors]]) {
      const el = this.els[key];
      if (!el) continue;
      if (el.textContent !== text) el.textContent = text;
      el.hidden = !text;
    }
  }
}
