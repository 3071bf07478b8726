// Why the debugger paused, in words for the Status panel: every pause says why.

/** What a debugger command was doing when the run paused, as the worker names it. */
const DOING = { over: 'the step over', out: 'the step out' };

/**
 * The reason of a `paused` message in words. `reason`: `start`, `breakpoint`, `step`,
 * `pause`, `step_back`, `history_empty`; `command`: what the run was doing (`run`,
 * `step`, `over`, `out`).
 */
export function pauseReason(reason, command) {
  switch (reason) {
    case 'breakpoint':
      return DOING[command] ? `at a breakpoint (it ended ${DOING[command]})` : 'at a breakpoint';
    case 'step':
      if (command === 'over') return 'stepped over the call';
      if (command === 'out') return 'stepped out of the call';
      return command === 'step' ? 'after one step' : 'a step over or out ended';
    case 'start':
      return 'before the first instruction';
    case 'pause':
      return 'paused with Pause';
    case 'step_back':
      return 'stepped back';
    case 'history_empty':
      return 'nothing more to step back over';
    default:
      return reason ? `paused (${reason})` : 'paused';
  }
}
