// The Share button and its box: the program, its arguments and input as a link
// (share.js), copied to the clipboard when the browser allows it, and the <iframe> that
// embeds the same program in another page (embed-link.js).

import { encodeState } from './share.js';
import { embedUrl, iframeSnippet } from './embed-link.js';

/** Copies `text` to the clipboard; says whether the browser allowed it. */
async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // no clipboard permission: the text is selected for copying by hand
  }
}

/**
 * Wires Share, Done and the snippet's Copy; `current()`: the program to share ({ source,
 * args, stdin }). `embed`: the snippet's field, `copyEmbed`: its Copy button.
 */
export function attachShareBox({ button, box, link, msg, close, embed, copyEmbed }, current) {
  copyEmbed.addEventListener('click', async () => {
    embed.select();
    copyEmbed.textContent = (await copy(embed.value)) ? 'Copied' : 'Copy it by hand';
  });
  button.addEventListener('click', async () => {
    link.value = '';
    embed.value = '';
    copyEmbed.textContent = 'Copy';
    const fragment = await encodeState(current());
    const url = `${location.origin}${location.pathname}${location.search}#${fragment}`;
    link.value = url;
    embed.value = iframeSnippet(embedUrl(url, fragment));
    box.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    const copied = await copy(url);
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
