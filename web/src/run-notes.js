// Which run the result panels describe. Output, Stack, Timeline and Profile show a run;
// once the editor's program is not that run's any more (edited, or another program
// loaded), each says so in its heading: "the run of “Square” at 19:05:12: not the program
// in the editor". The Status's note uses the same words.

/** A run's time, "19:05:12". */
export const clock = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * The note of a panel that shows run `run` ({ at, name, key }: when it started, the name
 * of the program it ran and which program that was) while the editor has program
 * `current` ({ key }), `edited` since the run started: '' when the panel shows the
 * editor's program.
 */
export function runNote(run, { edited, current }) {
  if (!run || !edited) return '';
  if (current.key !== run.key) return `the run of “${run.name}” at ${clock(run.at)}: not the program in the editor`;
  return `the run of ${clock(run.at)}: the program was edited since`;
}

export class RunNotes {
  /**
   * `els`: { output, stack, timeline, profile }, an element in each panel's heading;
   * `current()`: the program the editor shows ({ name, key }, saved-program.js `title`);
   * `state()`: the run state (run-state.js), whose `run` is the last run ({ track, at,
   * name, key }) and whose `profile.run` the last profiled run.
   */
  constructor(els, { current, state }) {
    Object.assign(this, { els, current, state });
    this.drawn = null;
  }

  /** The notes follow the run state: a new run, or a new profiled run. */
  render(state) {
    const runs = [state.run, state.profile?.run];
    if (this.drawn && runs.every((r, i) => r === this.drawn[i])) return;
    this.drawn = runs;
    this.refresh();
  }

  /** The note of the last run (or of `run`), '' when it shows the editor's program. */
  note(run = this.state().run) {
    return run ? runNote(run, { edited: run.track.edited, current: this.current() }) : '';
  }

  /** Redraws the notes (the program was edited, or another was loaded). */
  refresh() {
    const state = this.state();
    const run = this.note(state.run);
    const profile = this.note(state.profile?.run ?? null);
    for (const [key, text] of [['output', run], ['stack', run], ['timeline', run], ['profile', profile]]) {
      const el = this.els[key];
      if (!el) continue;
      if (el.textContent !== text) el.textContent = text;
      el.hidden = !text;
    }
  }
}
