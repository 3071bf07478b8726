// Predict the next step (the debugger's Predict toggle, and the tour's predict lessons):
// while it is on, Step and Step over from a pause first ask for the stack the person
// expects after the instruction; the step is taken when they answer, and what they
// expected is shown beside what the machine did. predict.js reads and compares.

import { h, fill } from './dom.js';
import { Msg, State, RunKind } from './protocol.js';
import { parsePrediction, comparePrediction } from './predict.js';

/** The step commands that ask first. */
const ASKING = new Set([Msg.STEP, Msg.STEP_OVER]);

export class PredictPanel {
  /**
   * `toggle`: the debug bar's Predict button; `panel`: the panel's element. `control`:
   * the run (run-control.js); `editor`: for the text of the next instruction.
   */
  constructor({ toggle, panel }, { control, editor }) {
    Object.assign(this, { toggle, panel, control, editor });
    this.on = false;
    /** The question open: `{ type, instruction }`, or null. */
    this.asking = null;
    /** The step taken, waiting for the stack after it: `{ values, instruction }`, or null. */
    this.pending = null;
    /** This run's predictions. */
    this.score = { right: 0, asked: 0 };
    /** The last step's comparison (predict.js), or `{ instruction, note }`, or null. */
    this.last = null;
    /** A tour's predict session: `{ steps, done({ right, asked }) }`, or null. */
    this.session = null;
    this.els = null;
    toggle.addEventListener('click', () => this.setOn(!this.on));
    control.watch(this);
  }

  /** Turns Predict on or off (off: a question open is dropped, and Step steps). */
  setOn(on) {
    this.on = on;
    this.toggle.setAttribute('aria-pressed', String(on));
    this.panel.hidden = !on;
    if (!on) {
      this.asking = null;
      this.session = null;
    }
    this.render();
  }

  /**
   * A tour's lesson: Predict on, a new run paused before its first instruction, and
   * `done({ right, asked })` once `steps` predictions were made in it.
   */
  begin(steps, done) {
    this.setOn(true);
    this.control.start(RunKind.DEBUG, { paused: true });
    // (After start: its `starting` ends any session before this one.)
    this.session = { steps, done };
    this.render();
  }

  /**
   * A step command (Msg.STEP, Msg.STEP_OVER, …): true when Predict takes it (asks first,
   * or waits for the step it took), false when the run should step at once.
   */
  intercept(type) {
    if (!this.on || !ASKING.has(type) || this.control.state.phase !== State.PAUSED) return false;
    if (this.pending) return true;
    const position = this.control.state.paused?.position;
    const instruction = position ? this.editor.text().slice(...this.control.spanRange(position)) : '';
    this.asking = { type, instruction, line: position?.line ?? null };
    this.render();
    this.els.input.value = this.stackNow();
    this.els.input.focus();
    this.els.input.select();
    return true;
  }

  /** The stack now, as one would type it (a start to edit), or '' when it is not known. */
  stackNow() {
    const s = this.control.state.stack;
    if (!s || !('values' in s) || s.total !== s.values.length || s.values.some((v) => v.cut)) return '';
    return s.values.map((v) => v.literal).join(' ');
  }

  /** The answer typed: checked, then the step is taken. */
  answer() {
    if (!this.asking) return;
    const parsed = parsePrediction(this.els.input.value);
    if (parsed.error) {
      this.els.error.textContent = `Column ${parsed.column}: ${parsed.error}`;
      this.els.input.setAttribute('aria-invalid', 'true');
      this.els.input.focus();
      return;
    }
    const { type, instruction } = this.asking;
    this.asking = null;
    this.pending = { values: parsed.values, instruction };
    this.render();
    if (!this.control.command(type)) this.pending = null;
  }

  /** Steps without a prediction. */
  skip() {
    if (!this.asking) return;
    const { type } = this.asking;
    this.asking = null;
    this.render();
    this.control.command(type);
  }

  // ---- the run's messages (a watcher of run-control.js) ----------------------------------------

  starting() {
    this.asking = null;
    this.pending = null;
    this.score = { right: 0, asked: 0 };
    this.last = null;
    this.session = null;
    this.render();
  }

  message(m) {
    if (!this.pending) return;
    if (m.type !== Msg.PAUSED && m.type !== Msg.DONE) {
      if (m.type === Msg.DIED || m.type === Msg.SETUP_ERROR) this.pending = null;
      return;
    }
    const { values, instruction } = this.pending;
    this.pending = null;
    const s = this.control.state.stack;
    if (!s || !('values' in s)) {
      this.last = { instruction, note: 'The run ended without a stack to compare with.' };
    } else {
      const result = comparePrediction(values, s.values, s.total);
      this.score = { right: this.score.right + (result.right ? 1 : 0), asked: this.score.asked + 1 };
      this.last = { instruction, ...result, ended: m.type === Msg.DONE };
    }
    this.render();
    const session = this.session;
    if (session && this.score.asked >= session.steps) {
      this.session = null;
      session.done({ ...this.score });
    }
  }

  // ---- drawing --------------------------------------------------------------------------------

  render() {
    if (!this.on) return;
    if (!this.els) this.build();
    const { question, form, label, error, result, score } = this.els;
    const a = this.asking;
    form.hidden = !a;
    error.textContent = '';
    this.els.input.removeAttribute('aria-invalid');
    if (a) {
      fill(label, 'What will the stack be after ', h('code', {}, a.instruction || 'the next instruction'), a.line ? ` (line ${a.line})` : '', '? Bottom first, values separated by spaces.');
    }
    const session = this.session;
    fill(
      question,
      a
        ? null
        : this.pending
          ? 'Taking the step…'
          : this.control.state.phase === State.PAUSED
            ? 'Step (F11) or Step over (F10): you are asked first.'
            : 'Start with Step (F11): the run pauses before its first instruction, and each step asks first.',
    );
    const l = this.last;
    if (!l) fill(result);
    else if (l.note) fill(result, h('p', {}, l.note));
    else {
      const cell = (text, same) => h('td', { class: same ? 'same' : 'differs' }, text === null ? '—' : h('code', {}, text));
      fill(
        result,
        h('p', { class: 'predict-verdict', 'data-right': String(l.right) }, l.right ? '✓ Right: ' : '✗ Not quite: ', 'after ', h('code', {}, l.instruction), l.ended ? ' the run ended, and' : '', ' the stack is ', l.rows.length ? 'as the machine shows it on the right.' : 'empty.'),
        l.rows.length
          ? h(
              'table',
              { class: 'predict-table', 'data-testid': 'predict-table' },
              h('caption', { class: 'visually-hidden' }, 'The stack you expected and the machine’s, top first'),
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'You expected'), h('th', { scope: 'col' }, 'The machine'))),
              h(
                'tbody',
                {},
                l.rows.map((r) => h('tr', {}, cell(r.expected, r.same), cell(r.actual, r.same))),
              ),
            )
          : null,
      );
    }
    score.textContent = this.score.asked ? `${this.score.right} of ${this.score.asked} right in this run${session ? ` (${session.steps} to predict)` : ''}` : session ? `${session.steps} steps to predict` : '';
  }

  build() {
    const input = h('input', { type: 'text', id: 'predict-input', 'data-testid': 'predict-input', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'predict-error' });
    const label = h('label', { for: 'predict-input', id: 'predict-label' });
    const error = h('p', { id: 'predict-error', class: 'predict-error', role: 'alert' });
    const form = h(
      'form',
      { class: 'predict-form', 'data-testid': 'predict-form', hidden: true },
      label,
      h('div', { class: 'predict-row' }, input, h('button', { type: 'submit', class: 'primary', 'data-testid': 'predict-answer' }, 'Step and compare'), h('button', { type: 'button', 'data-testid': 'predict-skip', onclick: () => this.skip() }, 'Skip')),
      error,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.answer();
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.asking = null;
        this.render();
      }
    });
    this.els = {
      input,
      label,
      error,
      form,
      question: h('p', { class: 'predict-question', 'data-testid': 'predict-question' }),
      result: h('div', { class: 'predict-result', 'data-testid': 'predict-result', role: 'status' }),
      score: h('p', { class: 'predict-score', 'data-testid': 'predict-score' }),
    };
    fill(this.panel, h('h2', { id: 'predict-h' }, 'Predict the next step'), this.els.question, form, this.els.result, this.els.score);
  }
}
