// Why the debugger paused, in words for the Status panel: every pause says why.

import { Reason, Command } from './protocol.js';

/** What a debugger command was doing when the run paused, as the worker names it. */
const DOING = { [Command.OVER]: 'the step over', [Command.OUT]: 'the step out' };

/**
 * The reason of a `paused` message in words. `reason`: one of `Reason`; `command`: what
 * the run was doing (one of `Command`).
 */
export function pauseReason(reason, command) {
  switch (reason) {
    case Reason.BREAKPOINT:
      return DOING[command] ? `at a breakpoint (it ended ${DOING[command]})` : 'at a breakpoint';
    case Reason.STEP:
      if (command === Command.OVER) return 'stepped over the call';
      if (command === Command.OUT) return 'stepped out of the call';
      return command === Command.STEP ? 'after one step' : 'a step over or out ended';
    case Reason.START:
      return 'before the first instruction';
    case Reason.PAUSE:
      return 'paused with Pause';
    case Reason.STEP_BACK:
      return 'stepped back';
    case Reason.HISTORY_EMPTY:
      return 'nothing more to step back over';
    default:
      return reason ? `paused (${reason})` : 'paused';
  }
}
