// The Share button and its box: the program, its arguments and input as a link
// (share.js), copied to the clipboard when the browser allows it.

import { encodeState } from './share.js';

/** Wires Share and Done; `current()`: the program to share ({ source, args, stdin }). */
export function attachShareBox({ button, box, link, msg, close }, current) {
  button.addEventListener('click', async () => {
    link.value = '';
    const fragment = await encodeState(current());
    const url = `${location.origin}${location.pathname}${location.search}#${fragment}`;
    link.value = url;
    box.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // no clipboard permission: the link is selected for copying by hand
    }
    msg.textContent = copied ? 'Link copied to the clipboard.' : 'Copy this link:';
    // Focus without the browser's scroll, which would take the header away.
    link.focus({ preventScroll: true });
    link.select();
    box.scrollIntoView({ block: 'nearest' });
  });
  close.addEventListener('click', () => {
    box.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  });
}
