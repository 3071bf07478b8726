// The addresses between the playground and its embeddable page (embed.html), and the
// <iframe> snippet the Share box offers (pure). Both pages read the program from the same
// fragment (share.js).

/** The embeddable page beside the playground at `pageUrl`, with the program of `fragment`. */
export const embedUrl = (pageUrl, fragment) => new URL(`embed.html#${fragment}`, pageUrl).href;

/** The playground beside the embeddable page at `embedPageUrl`, with the program of `fragment`. */
export const playgroundUrl = (embedPageUrl, fragment) => new URL(`./#${fragment}`, embedPageUrl).href;

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` for an HTML attribute value in double quotes. */
export const escapeAttr = (text) => String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** The height of the snippet's frame (px): the editor, a line of buttons and the results. */
export const EMBED_HEIGHT = 400;

/** The HTML that embeds the page at `src` (an embedUrl) in another page. */
export function iframeSnippet(src, { height = EMBED_HEIGHT } = {}) {
  return (
    `<iframe src="${escapeAttr(src)}" title="simple-vm playground" height="${height}"` +
    ` style="width: 100%; border: 1px solid #d9dadc; border-radius: 6px;" loading="lazy"></iframe>`
  );
}
