// The tour, fetched when it is first needed (lazy-tour.js: its lessons and its panel,
// about 9 KB gzipped that most visits never use). Until then this stands in for the
// panel: the Tour button and a lesson's link (#tour/5) load it and pass the request on;
// edits and runs before it is there concern no lesson.

import { lessonFromHash } from './tour-progress.js';

/** More lessons than the tour will have: a #tour/N link is one before the lessons are known. */
const ANY_COUNT = 99;

export class TourLoader {
  /**
   * `toggle`: the Tour button. `load()`: resolves to lazy-tour.js's module; `make(module)`:
   * the TourPanel from it. `failed(error)`: the chunk could not be fetched.
   */
  constructor(toggle, { load, make, failed }) {
    Object.assign(this, { load, make, failed });
    /** The TourPanel, once loaded. */
    this.panel = null;
    this.loading = null;
    toggle.addEventListener('click', () => this.with((t) => t.toggleClicked()));
  }

  /** Calls `f(panel)` once the panel is there (loading it the first time). */
  with(f) {
    this.loading ??= this.load().then((m) => (this.panel = this.make(m)));
    this.loading.then(f, (e) => {
      this.loading = null;
      this.failed(e);
    });
  }

  /** A lesson's link opens it (once the tour is there); says whether `hash` was one. */
  route(hash) {
    if (this.panel) return this.panel.route(hash);
    if (lessonFromHash(hash, ANY_COUNT) === null) return false;
    this.with((t) => t.route(hash));
    return true;
  }

  close() {
    this.panel?.close();
  }

  edited() {
    this.panel?.edited();
  }

  // A watcher of the runs (run-control.js): a run before the tour is there is no lesson's.
  starting() {
    this.panel?.starting();
  }

  message(m) {
    this.panel?.message(m);
  }
}
