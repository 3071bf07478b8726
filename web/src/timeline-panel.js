// The Timeline panel: the stack over time of the last run. After a run (or at a pause),
// the worker replays it with a recording session (worker.js `timeline`) and sends the
// steps around the one selected: each drawn as a column of typed chips, growing and
// shrinking; a slider (and its arrow keys) scrubs through the steps, the selected step's
// instruction is marked in the editor and the output printed so far in the Output panel.
// Clicking a value says where it was pushed (its step and token) and marks the token.
// The toolbar's "Stack notes" shows, at the end of each line, the stack it last left.

import { h, fill, count, counted } from './dom.js';
import { Channel } from './runner.js';
import { attachTimelineMarks } from './timeline-notes.js';
import { WINDOW, isKept, nearestKept, windowStart, leftOutText, originText, summaryText } from './timeline-data.js';

/** Runs of more steps are replayed only when asked (about 10 s on the development machine). */
export const REPLAY_ASK = 50_000_000;

/** About how long the replay of `steps` takes, in words (0.1–0.2 µs a recorded step in Chromium on the development machine). */
export const replaySeconds = (steps) => `${Math.max(1, Math.round(steps / 5_000_000))} s`;

/** The name of the CSS highlight of the output printed so far. */
export const PRINTED = 'svm-printed';

export class TimelinePanel {
  /**
   * `ui`: { toggle, notesToggle (toolbar buttons), panel, sum, body }; `editor`;
   * `runner()`: the runner; `spanRange(span, track)`: a run's span in the editor's text;
   * `output`: the Output panel (output.js).
   */
  constructor(ui, { editor, runner, spanRange, output }) {
    Object.assign(this, { ui, editor, runner, spanRange, output });
    this.marks = attachTimelineMarks(editor.view);
    this.snapshot = null; // the run state's part drawn (run-results.js)
    this.run = null; // { id, steps, track } of the last run that stopped
    this.info = null;
    this.rows = [];
    this.step = 0;
    this.notesOn = false;
    this.build();
    ui.toggle.addEventListener('click', () => this.setOpen(ui.panel.hidden));
    ui.notesToggle.addEventListener('click', () => this.setNotes(!this.notesOn));
  }

  build() {
    this.slider = h('input', { type: 'range', min: 0, max: 0, value: 0, step: 1, 'data-testid': 'timeline-slider', 'aria-label': 'Step of the run', disabled: true });
    this.stepEl = h('output', { class: 'timeline-at', 'aria-live': 'polite' });
    this.gapEl = h('p', { class: 'help timeline-gap' });
    // What the panel says when it has no steps to show is beside the list, not in it (a
    // list holds its steps only).
    this.msgEl = h('p', { class: 'help timeline-msg', 'data-testid': 'timeline-msg' });
    this.columns = h('div', { class: 'timeline-steps', 'data-testid': 'timeline', role: 'list', 'aria-label': 'The stack after each step' });
    this.originEl = h('p', { class: 'timeline-origin', role: 'status', 'data-testid': 'timeline-origin' });
    this.slider.addEventListener('input', () => this.select(Number(this.slider.value), Number(this.slider.value) >= this.step ? 1 : -1));
    this.slider.addEventListener('keydown', (e) => this.key(e));
    this.columns.addEventListener('click', (e) => this.click(e));
    fill(this.ui.body, h('div', { class: 'timeline-tools' }, this.slider, this.stepEl), this.gapEl, this.msgEl, this.columns, this.originEl);
    this.empty('Run a program: its steps are shown here.');
  }

  open() {
    return !this.ui.panel.hidden;
  }

  setOpen(open) {
    this.ui.panel.hidden = !open;
    this.ui.toggle.setAttribute('aria-expanded', String(open));
    if (open) this.load();
    else this.clearMarks();
  }

  setNotes(on) {
    this.notesOn = on;
    this.ui.notesToggle.setAttribute('aria-pressed', String(on));
    if (on) this.load();
    else this.marks.notes(null);
  }

  empty(text) {
    this.info = null;
    this.slider.disabled = true;
    this.stepEl.textContent = '';
    this.gapEl.textContent = '';
    this.ui.sum.textContent = '';
    this.say(text);
    this.originEl.textContent = '';
  }

  /** Shows a message (text and nodes, or nothing) in place of the steps. */
  say(...message) {
    fill(this.msgEl, ...message);
    this.msgEl.hidden = !this.msgEl.firstChild;
    this.columns.replaceChildren();
    this.columns.hidden = true;
  }

  // ---- the run (a view of `state.snapshot`, run-results.js) ------------------------------

  /**
   * Draws what the run state says of the steps to read: a run starting (`starting`), a
   * run whose steps are gone (`gone`), or a run paused or ended (`{ id, steps, track }`),
   * whose steps are asked for (if the panel or the notes are open).
   */
  render({ snapshot }) {
    if (snapshot === this.snapshot) return;
    this.snapshot = snapshot;
    if (!snapshot) return;
    if (snapshot.starting) return this.starting();
    if (snapshot.gone) return this.empty(snapshot.gone);
    this.run = { id: snapshot.id, steps: snapshot.steps, track: snapshot.track };
    // A request for the run as it was is stale.
    this.runner()?.cancel(Channel.TIMELINE);
    this.info = null;
    this.load();
  }

  starting() {
    this.run = null;
    this.runner()?.cancel(Channel.TIMELINE);
    this.clearMarks();
    this.marks.notes(null);
    this.empty('Running… the steps are shown when the run ends or pauses.');
  }

  // ---- the worker's answers ------------------------------------------------------------

  load() {
    if (!this.run || !(this.open() || this.notesOn)) return;
    if (!this.info && this.run.steps > REPLAY_ASK && !this.run.confirmed) return this.confirm();
    if (!this.info) {
      this.say(h('span', { role: 'status' }, `Reading the steps: the run is replayed (${counted(this.run.steps, 'step')})…`));
    }
    const step = this.info ? this.step : this.run.steps;
    this.ask(step, this.notesOn);
  }

  /** A run so long that its replay takes seconds: asks first. */
  confirm() {
    const run = this.run;
    this.ui.panel.hidden = false;
    this.ui.toggle.setAttribute('aria-expanded', 'true');
    const go = h('button', { type: 'button', onclick: () => ((run.confirmed = true), this.load()) }, 'Replay it');
    this.empty('');
    this.say(`The run took ${counted(run.steps, 'step')}. Its steps are read by replaying it with each one recorded, which takes about ${replaySeconds(run.steps)}. `, go);
  }

  /**
   * Asks for the window around `step` (and the lines' notes): on the runner's Timeline
   * channel, one request at a time in the worker, the latest waiting behind it (its window
   * is reckoned when it is sent, from the steps then known).
   */
  ask(step, lines = false) {
    const run = this.run;
    const query = () => ({ id: run.id, first: this.info ? windowStart(this.info, step) : Math.max(0, step - WINDOW + 1), count: WINDOW, lines });
    this.runner()
      .timeline(query)
      .then((r) => {
        // An answer for a run (or a step count) the panel has moved on from is stale.
        if (r.stale || run !== this.run) return;
        if (r.error) this.empty(`The steps cannot be shown: ${r.error}.`);
        else this.show(r, step);
      });
  }

  show(r, step) {
    const first = !this.info;
    this.info = r.info;
    if (first) step = r.info.steps;
    this.rows = r.steps;
    this.step = step;
    if (r.lines) this.showNotes(r.lines, r.linesRan);
    if (!this.open()) return;
    const info = r.info;
    this.ui.sum.textContent = summaryText(info);
    this.gapEl.textContent = leftOutText(info);
    Object.assign(this.slider, { max: info.steps, value: step, disabled: false });
    this.slider.setAttribute('aria-valuetext', `step ${count(step)} of ${count(info.steps)}`);
    const row = this.rows.find((x) => x.step === step);
    this.stepEl.textContent = row ? `Step ${count(step)} of ${count(info.steps)}: ${row.text}` : `Step ${count(step)}`;
    this.say();
    this.columns.hidden = false;
    fill(this.columns, this.rows.map((x) => this.column(x, x.step === step)));
    this.columns.querySelector('[aria-current="step"]')?.scrollIntoView({ block: 'nearest', inline: 'center' });
    this.originEl.textContent = '';
    this.markStep(row);
  }

  column(row, selected) {
    const more = row.depth - row.values.length;
    const chips = row.values.map((v, i) =>
      h(
        'button',
        { type: 'button', class: `chip chip-${v.type}`, 'data-index': i, title: `${v.type}${v.cut ? `, ${count(v.bytes)} bytes in all` : ''}: click to see where it was pushed` },
        v.text,
      ),
    );
    return h(
      'div',
      { class: 'timeline-step', role: 'listitem', 'data-step': row.step, 'aria-current': selected ? 'step' : null, 'aria-label': `step ${row.step}: ${row.text}, ${counted(row.depth, 'value')}` },
      h('div', { class: 'timeline-head' }, h('span', { class: 'timeline-n' }, count(row.step)), opText(row.text)),
      h('div', { class: 'timeline-stack' }, more > 0 ? h('span', { class: 'chip-more' }, `+${count(more)} below`) : null, chips, row.depth ? null : h('span', { class: 'chip-empty' }, 'empty')),
    );
  }

  // ---- the person's actions -------------------------------------------------------------

  select(step, dir = 1) {
    if (!this.info) return;
    const s = nearestKept(this.info, step, dir);
    this.slider.value = s;
    this.step = s;
    if (this.rows.some((x) => x.step === s) && this.rows.length && windowStart(this.info, s) === this.rows[0].step) {
      this.show({ info: this.info, steps: this.rows, lines: null }, s);
    } else this.ask(s);
  }

  key(e) {
    if (!this.info) return;
    const d = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[e.key];
    if (!d) return;
    e.preventDefault();
    const to = this.step + d;
    if (to < 0 || to > this.info.steps) return;
    this.select(isKept(this.info, to) ? to : nearestKept(this.info, to, d), d);
  }

  click(e) {
    const col = e.target.closest('.timeline-step');
    if (!col) return;
    const row = this.rows.find((x) => x.step === Number(col.dataset.step));
    const chip = e.target.closest('.chip');
    if (!chip) {
      if (row) this.select(row.step);
      return;
    }
    const v = row.values[Number(chip.dataset.index)];
    const token = v.span ? this.editor.text().slice(...this.spanRange(v.span, this.run.track)) : '';
    // (An argument has no step; a value's step may be one the record left out.)
    const kept = Boolean(v.step && v.span) && isKept(this.info, v.step);
    fill(
      this.originEl,
      h('code', { class: `val val-${v.type}` }, v.text),
      ` ${originText(v, token ? `\`${token}\`` : 'its token', kept || !v.step)}`,
      kept ? [' ', h('button', { type: 'button', class: 'link', onclick: () => this.select(v.step) }, `Go to step ${count(v.step)}`)] : null,
    );
    this.markStep(this.rows.find((x) => x.step === this.step), v.span);
  }

  // ---- the editor and the output ----------------------------------------------------------

  range(span) {
    if (!span) return null;
    const [from, to] = this.spanRange(span, this.run && this.run.track);
    return { from, to };
  }

  markStep(row, origin = null) {
    this.marks.marks(this.range(row && row.span), this.range(origin));
    this.markOutput(row ? row.output : 0);
  }

  /** Marks the first `units` UTF-16 units of program output in the Output panel (a CSS highlight). */
  markOutput(units) {
    if (typeof CSS === 'undefined' || !CSS.highlights || typeof Highlight === 'undefined') return;
    // The panel may have left out the start of a long output.
    const range = outputRange(this.output.textNodes(), units - this.output.dropped);
    if (range) CSS.highlights.set(PRINTED, new Highlight(range));
    else CSS.highlights.delete(PRINTED);
  }

  clearMarks() {
    this.marks.marks(null, null);
    if (typeof CSS !== 'undefined' && CSS.highlights) CSS.highlights.delete(PRINTED);
  }

  /** The lines' notes; `ran`: how many lines ran (notes are made for the first 1,000). */
  showNotes(lines, ran = lines.length) {
    const doc = this.editor.view.state.doc;
    const track = this.run && this.run.track;
    const notes = [];
    // No notes for a text replaced since the run: they would be drawn in another program.
    for (const n of track && !track.replaced ? lines : []) {
      if (n.line > track.doc.lines) continue;
      const end = track.map(track.doc.line(n.line).to, -1);
      const text = n.text === null ? `→ step ${count(n.step)}, left out` : `→ ${n.text}`;
      const title = n.text === null ? 'The stack after this line last ran is in the steps left out' : `The stack after this line last ran (step ${count(n.step)}, ${counted(n.depth, 'value')}), top on the right`;
      if (end <= doc.length) notes.push({ pos: end, text, title });
    }
    this.marks.notes(notes);
    const title = 'At the end of each line, the stack after that line last ran in the last run';
    this.ui.notesToggle.title = ran > lines.length ? `${title} (the first ${count(lines.length)} of the ${count(ran)} lines that ran)` : title;
  }
}

/**
 * A step's instruction in the column's head, whole: a jump's or call's target on a line of
 * its own ("recur" over "(address 22)"), long names wrapped, never cut.
 */
function opText(text) {
  const m = /^(.*\S) (\(address \d+\))$/.exec(text);
  return h('code', { class: 'timeline-op' }, m ? [m[1], h('small', { class: 'timeline-addr' }, m[2])] : text);
}

/** A Range over the first `units` units of the program's output (its text nodes, in order), or null. */
export function outputRange(nodes, units) {
  if (units <= 0) return null;
  let left = units;
  const range = document.createRange();
  let started = false;
  for (const node of nodes) {
    if (!started) {
      range.setStart(node, 0);
      started = true;
    }
    if (node.data.length >= left) {
      range.setEnd(node, left);
      return range;
    }
    left -= node.data.length;
    range.setEnd(node, node.data.length);
  }
  return started ? range : null;
}
