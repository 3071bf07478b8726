// The Profile panel: the flame graph (flame.js) or the table by label (profile-table.js)
// of a profiled run, its busiest lines, and the heat marks in the editor's gutter. It
// stays folded away until the first profiled run of a program. A view of the run's
// profile (`state.profile`, run-results.js): `render(state)`.

import { h, fill, count } from './dom.js';
import { parseFolded, renderFlame } from './flame.js';
import { byLabel, byLabelView, viewSwitch } from './profile-table.js';

/** The busiest lines shown under the graph. */
const HOT_LINES = 5;
/** Levels of the heat marks. */
const HEAT_LEVELS = 5;

/** The `n` busiest of a profile's lines ({ line, count }), busiest first. */
export const hotLines = (lines, n = HOT_LINES) => [...lines].sort((a, b) => b.count - a.count).slice(0, n);

/** The heat level (1 to 5) of a line run `n` times when the busiest ran `max` times: logarithmic. */
export const heatLevel = (n, max) => Math.max(1, Math.min(HEAT_LEVELS, Math.ceil((HEAT_LEVELS * Math.log1p(n)) / Math.log1p(max))));

/** The start of line `line` of a text, as a span. */
function lineSpan(doc, line) {
  const from = doc.line(line).from;
  return { line, column: 1, from, to: from };
}

export class ProfilePanel {
  /**
   * `{ panel, body, sum }`: the panel, its content and the count in its heading.
   * `editor`; `positions` (LivePositions); `labels(source)`: the labels of a program
   * ([{ name, span }], from vm-wasm's compile()).
   */
  constructor({ panel, body, sum }, { editor, positions, labels }) {
    Object.assign(this, { panel, body, sum, editor, positions, labels });
    /** The profiled run shown (its Tracker), or null. */
    this.track = null;
    /** The view shown, the flame graph or the table by label, and the table's sort. */
    this.view = { by: 'flame', sort: { key: 'total', descending: true } };
    this.shown = null;
  }

  /**
   * Draws `state.profile`: folded away (null); a profiled run that starts (`start`); its
   * profile (`data`, brought into view with `reveal`); or a note in place of it.
   */
  render({ profile }) {
    if (profile === this.shown) return;
    const before = this.shown;
    this.shown = profile;
    if (!profile) return before ? this.clear() : undefined;
    if (profile.start) this.begin(profile.run.track);
    else if (profile.data) this.show(profile.data);
    else this.note(profile.note);
    if (profile.reveal) this.reveal();
  }

  /** Empties the panel and folds it away until the next profiled run (a new program). */
  clear() {
    this.track = null;
    fill(this.body);
    this.sum.textContent = '';
    this.panel.hidden = true;
  }

  /** A profiled run of `track` starts. */
  begin(track) {
    this.panel.hidden = false;
    this.track = track;
    this.note('Profiling…');
    this.sum.textContent = '';
    this.editor.showHeat(null);
  }

  /** A line of text in place of the profile (or nothing). */
  note(text) {
    fill(this.body, text ? h('p', { class: 'sub' }, text) : null);
  }

  /** Brings the panel into view. */
  reveal() {
    this.panel.scrollIntoView({ block: 'nearest' });
  }

  /** The flame graph, the busiest lines and the heat marks of profile `p` (vm-wasm's JsProfile). */
  show(p) {
    const track = this.track;
    if (!track) return;
    const { editor, positions } = this;
    const labels = new Map();
    for (const l of this.labels(track.doc.toString())) labels.set(l.name, l.span);
    const goLabel = (name) => {
      const { from, to } = track.range(labels.get(name));
      editor.select(from, to);
    };
    const total = p.total || 0;
    this.sum.textContent = `${count(total)} instruction${total === 1 ? '' : 's'}`;
    if (!total) {
      this.note('No instructions ran.');
      editor.showHeat(null);
      return;
    }
    const labelled = (name) => labels.has(name);
    const flame = h('div', { class: 'flame-box' });
    const shown = renderFlame(flame, parseFolded(p.folded), { labelled, onFrame: goLabel });
    const flameView = h(
      'div',
      { id: 'profile-flame' },
      h(
        'p',
        { class: 'sub' },
        'Instructions by call path, the main program on top; a block is as wide as the instructions run in it and in what it called.',
        shown.frames > 1 ? ' Click a block to see its label.' : '',
      ),
      flame,
    );
    const view = this.view;
    const labelView = byLabelView(byLabel(p.folded), { total, labelled, onLabel: goLabel, sort: view.sort, onSort: (sort) => (view.sort = sort) });
    labelView.id = 'profile-by-label';
    const views = { flame: ['Flame graph', flameView], label: ['By label', labelView] };
    const share = (n) => (100 * n) / total;
    const hot = hotLines(p.lines).map((l) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'link', onclick: () => editor.select(track.lineStart(l.line), track.lineStart(l.line)) },
          positions.text(lineSpan(track.doc, l.line), track, { column: false }),
        ),
        `: ${count(l.count)} (${share(l.count).toFixed(1)}%)`,
      ),
    );
    fill(
      this.body,
      viewSwitch(views, view.by, (by) => (view.by = by)),
      flameView,
      labelView,
      h('p', { class: 'sub' }, 'Busiest lines (the gutter marks every line that ran):'),
      h('ol', { class: 'hot-lines' }, hot),
    );
    const max = p.lines.reduce((m, l) => Math.max(m, l.count), 1);
    editor.showHeat(p.lines.map((l) => ({ pos: track.lineStart(l.line), count: l.count, share: share(l.count), level: heatLevel(l.count, max) })));
  }
}
