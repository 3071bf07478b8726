// The toolbar's Run, Stop and Profile, the debugger's buttons, and their keys: the keys
// work anywhere on the page (the second ones are for keyboards where the F keys belong to
// the system). Which are enabled comes from the run state (run-state.js `controls`).

import { count } from './dom.js';

/** Debugger keys, by key (F keys) or key code, with Ctrl+ and Shift+; also in the buttons' tooltips. */
export const DEBUG_KEYS = Object.freeze({
  F8: 'pauseOrContinue',
  'Ctrl+Backslash': 'pauseOrContinue',
  F10: 'stepOver',
  'Ctrl+Quote': 'stepOver',
  F11: 'step',
  'Ctrl+Semicolon': 'step',
  'Shift+F11': 'stepOut',
  'Ctrl+Shift+Semicolon': 'stepOut',
  'Shift+F10': 'stepBack',
  'Ctrl+Shift+Quote': 'stepBack',
  F9: 'toggleBreakpoint',
});

/**
 * The action of a key press (`{ key, code, ctrlKey, metaKey, shiftKey, altKey }`): `run`
 * for Ctrl/Cmd+Enter, `format` for Shift+Alt+F (by its key code: on a Mac, Alt changes the
 * key's character; CodeMirror's keymaps do not use it), `stopRunning` for Esc, `shortcuts`
 * for `?`, a name of DEBUG_KEYS' actions, or null.
 */
export function keyAction(e) {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) return 'run';
  const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
  if (e.key === 'Escape' && plain && !e.shiftKey) return 'stopRunning';
  if (e.key === '?' && plain) return 'shortcuts';
  if (e.altKey) return e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyF' ? 'format' : null;
  const key = /^F\d+$/.test(e.key) ? e.key : e.code;
  return DEBUG_KEYS[(e.ctrlKey || e.metaKey ? 'Ctrl+' : '') + (e.shiftKey ? 'Shift+' : '') + key] ?? null;
}

/** Is `el` (the innermost target of a key press) a place where `?` is typed: a text field, a select, the editor? */
export function isTyping(el) {
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || el.isContentEditable) return true;
  if (tag !== 'input') return false;
  return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset', 'color', 'file', 'image'].includes((el.type || 'text').toLowerCase());
}

/** Steps that Step back can undo (the history of a debug run). */
export const HISTORY = 10_000;

/**
 * Wires the buttons and the page's keys to `actions`: { run, stop, profile, continue,
 * pause, pauseOrContinue, step, stepOver, stepOut, stepBack, toggleBreakpoint, format,
 * stopRunning (says whether a run was stopped), shortcuts }.
 * `ui`: { run, stop, profileRun, dbg: { continue, pause, step, stepOver, stepOut, stepBack } }.
 */
export function attachControls(ui, actions) {
  ui.run.addEventListener('click', () => actions.run());
  ui.stop.addEventListener('click', () => actions.stop());
  ui.profileRun.addEventListener('click', () => actions.profile());
  for (const name of ['continue', 'pause', 'step', 'stepOver', 'stepOut', 'stepBack']) {
    ui.dbg[name].addEventListener('click', () => actions[name]());
  }
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented) return;
    const action = keyAction(e);
    if (!action) return;
    const target = e.composedPath()[0];
    if (action === 'shortcuts' && isTyping(target)) return;
    if (action === 'stopRunning') {
      // Esc is first of all what closes things: a dialog, or a panel it just closed (the
      // element it was pressed in is hidden now). Otherwise it stops a running program;
      // with nothing to stop it stays the editor's (Esc, then Tab, leaves it).
      if (target?.closest?.('dialog, [hidden]')) return;
      if (actions.stopRunning()) e.preventDefault();
      return;
    }
    e.preventDefault();
    actions[action]();
  });
  // The context menu that Shift+F10 opens in some browsers is not wanted while it steps back.
  let lastShiftF10 = -1e9;
  document.addEventListener('contextmenu', (e) => {
    if (performance.now() - lastShiftF10 < 500) e.preventDefault();
  });
  document.addEventListener('keydown', (e) => e.key === 'F10' && e.shiftKey && (lastShiftF10 = performance.now()), true);
}

/** Enables the controls as `c` (run-state.js `controls`) says. */
export function renderControls(ui, c) {
  const b = ui.dbg;
  ui.run.disabled = !c.run;
  ui.stop.disabled = !c.stop;
  ui.run.setAttribute('aria-busy', String(c.stop));
  // With no run, the first of the debugger's buttons starts one: it says Debug, not Continue.
  const debugStart = !c.stop;
  const label = debugStart ? ' Debug' : ' Continue';
  if (b.continue.lastChild && b.continue.lastChild.nodeType === 3 && b.continue.lastChild.data !== label) {
    b.continue.lastChild.data = label;
    b.continue.title = debugStart
      ? 'Debug (F8 or Ctrl+\\): run the program recording its steps, to the first breakpoint (Step back goes back from a pause)'
      : 'Continue (F8 or Ctrl+\\): run to the next breakpoint';
  }
  ui.profileRun.disabled = !c.profile;
  b.continue.disabled = !c.continue;
  b.step.disabled = !c.step;
  b.stepOver.disabled = !c.stepOver;
  b.stepOut.disabled = !c.stepOut;
  b.pause.disabled = !c.pause;
  b.stepBack.disabled = !c.stepBack;
  b.stepBack.title = `Step back (Shift+F10 or Ctrl+Shift+'): undo the last instruction, up to ${count(HISTORY)} steps${
    c.stepBackHint ? ' — this run does not record its steps: start it with Step or Continue, or with a breakpoint set' : ''
  }`;
  // While a debug run goes on, the buttons stay on a phone's screen (style.css).
  document.body.classList.toggle('debugging', c.debugging);
}
