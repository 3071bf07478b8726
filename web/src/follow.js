// Keeping the paused line on screen. On a phone the panels stack: the editor, the Stack
// and the Call stack are far apart, and the debugger's buttons sit above the editor. While
// a debug run goes on, the buttons stay at the bottom of the screen (style.css,
// `body.debugging`), and at every pause the paused line is scrolled into the part of the
// page that they leave free, if it is not there already.

/** Space kept free around the paused line when it is scrolled to (px). */
const MARGIN = 24;

/**
 * After the editor has drawn the paused mark: scrolls the page so that the paused line
 * is inside the viewport and not under `bar` (when the bar is fixed to the screen).
 */
export function revealPaused(view, bar) {
  view.requestMeasure({
    read: () => {
      const line = view.dom.querySelector('.cm-paused-line');
      if (!line) return null;
      const r = line.getBoundingClientRect();
      const fixed = getComputedStyle(bar).position === 'fixed';
      const bottom = fixed ? bar.getBoundingClientRect().top : innerHeight;
      return { top: r.top, bottom: r.bottom, free: bottom };
    },
    write: (m) => {
      if (!m || (m.top >= MARGIN && m.bottom <= m.free - MARGIN)) return;
      // Put it in the middle of the free part of the screen.
      const delta = (m.top + m.bottom) / 2 - m.free / 2;
      window.scrollBy({ top: delta, behavior: 'instant' });
    },
  });
}
