// The Tour panel: a lesson's text and task, the list of lessons with their progress marks,
// Previous and Next, and the check of every run while a lesson is open. Opening a lesson
// puts its program in the editor; the learner's own program is saved first and comes back
// with "Back to my program", and the code typed in each lesson is kept for it.

import { h, fill } from './dom.js';
import { Msg } from './protocol.js';
import { parseMarkdown, parseInline, renderMarkdown } from './markdown.js';
import { compareRun } from './tour-data.js';
import { lessonHash, lessonFromHash, splitTask, lessonProgram, sameRequest, inputText } from './tour-progress.js';

/** The code of a lesson is saved this long after the last change (ms). */
const SAVE_DELAY_MS = 250;

export class TourPanel {
  /**
   * `toggle`: the toolbar's Tour button; `panel`: the panel's element. `lessons`: the
   * tour (tour-data.js, from `virtual:tour`); `progress` (tour-progress.js's
   * TourProgress); `saved` (saved-program.js); `editor`; `fields` (fields.js);
   * `loadProgram(p)`: shows a program in the editor (one undoable change); `endInput()`:
   * answers a run's `read` with the end of input; `run()`: runs the program (Run).
   */
  constructor({ toggle, panel }, { lessons, progress, saved, editor, fields, loadProgram, endInput, run, predict = null }) {
    Object.assign(this, { toggle, panel, lessons, progress, saved, editor, fields, loadProgram, endInput, runProgram: run, predictSteps: predict });
    /** The next run is a predict session's (predict-panel.js), not one to check. */
    this.predicting = false;
    /** The panel's parts that change (drawn with the lesson). */
    this.els = null;
    /** The number of the lesson shown, or null when the tour is closed. */
    this.current = null;
    /** The run being checked: `{ lesson, output }`, or null. */
    this.run = null;
    this.loading = false;
    this.timer = 0;
    addEventListener('pagehide', () => this.timer && this.saveCode());
  }

  /** The Tour button: closes the tour, or opens it where the learner left it. */
  toggleClicked() {
    if (this.current) this.close();
    else this.go(this.resumeAt());
  }

  /** The lesson to resume the tour at: the last one opened, else the first not passed. */
  resumeAt() {
    const p = this.progress.read();
    return p.last ?? this.lessons.find((l) => !p.passed.includes(l.number))?.number ?? 1;
  }

  /** Opens lesson `n` through its link (the address then names it). */
  go(n) {
    if (location.hash === lessonHash(n)) this.open(n);
    else location.hash = lessonHash(n);
  }

  /** The address's fragment changed (or the page opened): a lesson's link opens it. Returns whether it was one. */
  route(hash) {
    const n = lessonFromHash(hash, this.lessons.length);
    if (n === null) return false;
    this.open(n);
    return true;
  }

  lesson(n = this.current) {
    return this.lessons[n - 1];
  }

  /** Shows lesson `n` and puts its program (the code typed in it before, or its starter) in the editor. */
  open(n) {
    if (this.current === n) return;
    if (this.current === null) this.saved.leave();
    else this.saveCode();
    this.current = n;
    this.run = null;
    this.progress.setLast(n);
    this.show(lessonProgram(this.lesson(), this.progress.code(n)));
    // A link of the panel (Next, the list) is drawn anew: the focus goes to the lesson's title.
    const focused = this.panel.contains(document.activeElement);
    this.render();
    this.panel.hidden = false;
    this.toggle.setAttribute('aria-expanded', 'true');
    if (focused) this.els.title.focus({ preventScroll: true });
    // On a narrow screen the panel is below the editor: its top is brought into view.
    if (this.panel.getBoundingClientRect().top > innerHeight) this.panel.scrollIntoView({ block: 'start' });
    if (location.hash !== lessonHash(n)) history.replaceState(null, '', lessonHash(n));
  }

  /** Closes the tour: the learner's own program comes back. */
  close() {
    if (this.current === null) return;
    this.saveCode();
    this.current = null;
    this.run = null;
    this.panel.hidden = true;
    this.toggle.setAttribute('aria-expanded', 'false');
    if (lessonFromHash(location.hash, this.lessons.length) !== null) history.replaceState(null, '', location.pathname + location.search);
    this.loadProgram(this.saved.back());
  }

  /** Puts a lesson's program in the editor (not saved as the lesson's code: it is that already). */
  show(program) {
    this.loading = true;
    try {
      this.loadProgram(program);
    } finally {
      this.loading = false;
    }
  }

  /** The starter again (Ctrl+Z brings back what was typed). */
  reset() {
    const lesson = this.lesson();
    this.show(lessonProgram(lesson, null));
    this.progress.setCode(lesson.number, null, lesson.starter);
    this.result(null);
  }

  /** The editor's text changed: kept as the lesson's code, soon. */
  edited() {
    if (this.current === null || this.loading) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.saveCode(), SAVE_DELAY_MS);
  }

  saveCode() {
    clearTimeout(this.timer);
    this.timer = 0;
    if (this.current === null) return;
    const lesson = this.lesson();
    if (!this.progress.setCode(lesson.number, this.editor.text(), lesson.starter)) this.storageNote();
  }

  /** Progress cannot be kept: said once, in the panel. */
  storageNote() {
    if (this.els) this.els.note.hidden = false;
  }

  // ---- the check of a run (RunControl's watcher) ------------------------------------------

  /** A run is asked for: while a lesson is open, it gets the lesson's arguments and input. */
  starting() {
    this.run = null;
    const predicting = this.predicting;
    this.predicting = false;
    if (this.current === null) return;
    const lesson = this.lesson();
    let note = null;
    if (!sameRequest(lesson, { args: this.fields.args, stdin: this.fields.stdin })) {
      this.fields.set({ args: lesson.check.args, stdin: inputText(lesson.check.input) });
      note = 'The lesson’s arguments and input were put back: the check runs with them.';
    }
    if (predicting) return;
    this.run = { lesson: lesson.number, output: '' };
    this.result({ checking: true, note });
  }

  /** A message of the runner about the run. */
  message(m) {
    const run = this.run;
    if (!run) return;
    if (run.lesson !== this.current) {
      this.run = null;
      return;
    }
    if (m.output_removed) run.output = run.output.slice(0, Math.max(0, run.output.length - m.output_removed));
    if (typeof m.output === 'string') run.output += m.output;
    const check = this.lesson().check;
    switch (m.type) {
      case Msg.NEEDS_INPUT:
        // As `svm` finds the end of a file: the lines of the check, then the end of input.
        this.endInput();
        return;
      case Msg.DONE:
        return this.judge(compareRun(check, { ...m, output: run.output }));
      case Msg.SETUP_ERROR:
        return this.judge(compareRun(check, { status: m.kind, diagnostics: m.diagnostics }));
      case Msg.DIED:
        this.result({ differences: ['the runner stopped unexpectedly: run again'] });
        return;
      default:
    }
  }

  /** Predict the lesson's steps: a new run, paused, whose next steps ask first. */
  predict() {
    const lesson = this.lesson();
    const steps = lesson.check.predict;
    if (!steps || !this.predictSteps) return;
    this.predicting = true;
    fill(this.els.predicted, h('p', {}, `Step (F11) and type the stack you expect after each instruction: ${steps} steps.`));
    this.els.predicted.dataset.result = 'going';
    this.predictSteps(steps, (score) => this.predicted(lesson.number, score));
  }

  /** A predict session of lesson `n` ended: all right passes its predict part. */
  predicted(n, { right, asked }) {
    if (n !== this.current) return;
    const all = right === asked;
    if (all && !this.progress.markPredicted(n)) this.storageNote();
    this.els.predicted.dataset.result = all ? 'passed' : 'failed';
    fill(
      this.els.predicted,
      all
        ? h('p', { class: 'tour-verdict' }, `✓ You predicted all ${asked} steps.`)
        : h('p', { class: 'tour-verdict' }, `✗ ${right} of ${asked} right. The Predict panel shows each step beside what you expected; press “Predict ${asked} steps” to start again.`),
    );
    this.renderList();
  }

  judge({ passed, differences }) {
    if (passed && !this.progress.markPassed(this.current)) this.storageNote();
    this.result({ passed, differences });
    this.renderList();
    // The verdict is in view (on a narrow screen a run scrolls to the Status, below it).
    const r = this.els.result.getBoundingClientRect();
    if (r.bottom < 0 || r.top > innerHeight) this.els.result.scrollIntoView({ block: 'nearest' });
  }

  // ---- drawing ----------------------------------------------------------------------------

  render() {
    const lesson = this.lesson();
    const { body, task } = splitTask(parseMarkdown(lesson.text));
    const count = this.lessons.length;
    const link = (n, text, rel) => h('a', { href: lessonHash(n), class: 'button', rel }, text);
    this.els = {
      title: h('h3', { id: 'tour-title', tabindex: '-1' }, `${lesson.number}. ${lesson.title}`),
      list: h('ol', { class: 'tour-list' }),
      summary: h('summary', {}),
      result: h('div', { class: 'tour-result', 'data-testid': 'tour-result', role: 'status' }),
      predicted: h('div', { class: 'tour-result', 'data-testid': 'tour-predict-result', role: 'status' }),
      note: h('p', { class: 'tour-note', hidden: true }, 'This browser does not keep the tour’s progress (its storage is unavailable or full).'),
    };
    fill(
      this.panel,
      h(
        'div',
        { class: 'tour-head' },
        h('h2', { id: 'tour-h' }, 'Tour ', h('small', {}, `lesson ${lesson.number} of ${count}`)),
        h('button', { type: 'button', 'data-testid': 'tour-back', onclick: () => this.close() }, 'Back to my program'),
      ),
      h('details', { class: 'tour-lessons' }, this.els.summary, this.els.list),
      h('article', { class: 'tour-lesson', 'aria-labelledby': 'tour-title' }, this.els.title, renderMarkdown(body, document)),
      task && h('div', { class: 'tour-task' }, renderMarkdown([task], document)),
      h(
        'div',
        { class: 'tour-actions' },
        lesson.check.predict &&
          this.predictSteps &&
          h('button', { type: 'button', 'data-testid': 'tour-predict', title: 'A debug run of the program, paused: each Step first asks for the stack you expect after it', onclick: () => this.predict() }, `Predict ${lesson.check.predict} steps`),
        h('button', { type: 'button', class: 'primary', onclick: () => this.runProgram() }, 'Run and check'),
        h('button', { type: 'button', 'data-testid': 'tour-reset', onclick: () => this.reset() }, 'Reset to starter'),
      ),
      this.els.predicted,
      this.els.result,
      this.els.note,
      h(
        'nav',
        { class: 'tour-nav', 'aria-label': 'Lessons' },
        lesson.number > 1 ? link(lesson.number - 1, '← Previous', 'prev') : h('span'),
        lesson.number < count ? link(lesson.number + 1, 'Next →', 'next') : h('span'),
      ),
    );
    this.renderList();
    this.result(null);
  }

  /** The list of lessons, each with its link and whether it was passed. */
  renderList() {
    if (!this.els) return;
    const { passed, predicted } = this.progress.read();
    this.els.summary.textContent = `Lessons · ${passed.length} of ${this.lessons.length} passed`;
    fill(
      this.els.list,
      this.lessons.map((l) => {
        const done = passed.includes(l.number);
        return h(
          'li',
          { class: done ? 'passed' : null },
          h(
            'a',
            { href: lessonHash(l.number), 'aria-current': l.number === this.current ? 'page' : null },
            h('span', { class: 'tour-mark', 'aria-hidden': 'true' }, done ? '✓' : '○'),
            ` ${l.number}. ${l.title}`,
            done ? h('span', { class: 'visually-hidden' }, ' (passed)') : null,
            l.check.predict ? h('span', { class: 'tour-predicted' }, predicted.includes(l.number) ? ' · steps predicted' : ' · predict') : null,
          ),
        );
      }),
    );
  }

  /**
   * The check's verdict: null (none yet), `{ checking, note }` while the run goes, or
   * `{ passed, differences }`.
   */
  result(r) {
    const el = this.els?.result;
    if (!el) return;
    if (!r) {
      el.dataset.result = '';
      fill(el, this.progress.passed(this.current) ? h('p', {}, '✓ You passed this lesson before. Run to check again.') : null);
      return;
    }
    if (r.checking) {
      el.dataset.result = 'checking';
      fill(el, r.note && h('p', {}, r.note), h('p', {}, 'Checking the run…'));
      return;
    }
    el.dataset.result = r.passed ? 'passed' : 'failed';
    const next = this.current < this.lessons.length ? this.lesson(this.current + 1) : null;
    if (r.passed) {
      fill(
        el,
        h('p', { class: 'tour-verdict' }, '✓ Passed: the output', this.lesson().check.stack ? ' and the stack are' : ' is', ' what the task asks for.'),
        next ? h('p', {}, 'Next: ', h('a', { href: lessonHash(next.number) }, `${next.number}. ${next.title}`)) : h('p', {}, 'That was the last lesson: well done.'),
      );
    } else {
      fill(el, h('p', { class: 'tour-verdict' }, '✗ Not yet. What differed:'), renderMarkdown([{ type: 'list', items: r.differences.map(parseInline) }], document));
    }
  }
}
