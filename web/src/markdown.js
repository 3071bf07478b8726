// The small part of Markdown the tour's lessons are written in: paragraphs, headings
// (`#`), lists (`- `), fenced code blocks, and inside text `code` and **bold**. Anything
// else stays text. The text is never parsed as HTML: `parseMarkdown` gives a structure,
// `renderMarkdown` builds elements and text nodes from it with a given document.

/**
 * Parses `text` into blocks: `{ type: 'heading', level, content }`, `{ type: 'paragraph',
 * content }`, `{ type: 'list', items: [content] }` and `{ type: 'code', lang, text }`,
 * where `content` is a list of inline pieces (see `parseInline`).
 */
export function parseMarkdown(text) {
  const blocks = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let para = null; // the lines of the paragraph being read
  let list = null; // the items (lists of lines) of the list being read
  const end = () => {
    if (para) blocks.push({ type: 'paragraph', content: parseInline(para.join(' ')) });
    if (list) blocks.push({ type: 'list', items: list.map((item) => parseInline(item.join(' '))) });
    para = null;
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^```\s*([\w-]*)\s*$/.exec(line);
    if (fence) {
      end();
      const code = [];
      // An unclosed fence runs to the end of the text.
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) code.push(lines[i]);
      blocks.push({ type: 'code', lang: fence[1], text: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,3}) +(.*\S)\s*$/.exec(line);
    if (heading) {
      end();
      blocks.push({ type: 'heading', level: heading[1].length, content: parseInline(heading[2]) });
      continue;
    }
    if (line.trim() === '') {
      end();
      continue;
    }
    const item = /^- +(.*)$/.exec(line);
    if (item) {
      if (para) end();
      list = list || [];
      list.push([item[1].trim()]);
    } else if (list && /^\s/.test(line)) {
      list[list.length - 1].push(line.trim());
    } else {
      if (list) end();
      para = para || [];
      para.push(line.trim());
    }
  }
  end();
  return blocks;
}

/**
 * Parses the inline pieces of a line of text: `{ type: 'text', text }`, `{ type: 'code',
 * text }` (between backticks, taken as is) and `{ type: 'strong', content }` (between
 * `**`). A marker without its closing one is text.
 */
export function parseInline(text) {
  const pieces = [];
  const pushText = (t) => {
    if (!t) return;
    const last = pieces[pieces.length - 1];
    if (last && last.type === 'text') last.text += t;
    else pieces.push({ type: 'text', text: t });
  };
  let i = 0;
  while (i < text.length) {
    if (text[i] === '`') {
      const close = text.indexOf('`', i + 1);
      if (close > i + 1) {
        pieces.push({ type: 'code', text: text.slice(i + 1, close) });
        i = close + 1;
        continue;
      }
    } else if (text.startsWith('**', i)) {
      const close = closingStrong(text, i + 2);
      if (close > i + 2) {
        pieces.push({ type: 'strong', content: parseInline(text.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    }
    // Plain text up to the next marker.
    let next = i + 1;
    while (next < text.length && text[next] !== '`' && !text.startsWith('**', next)) next++;
    pushText(text.slice(i, next));
    i = next;
  }
  return pieces;
}

/** The index of the `**` that closes a bold span started before `from`, skipping code
 * spans; -1 when there is none. */
function closingStrong(text, from) {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '`') {
      const close = text.indexOf('`', i + 1);
      if (close > i) i = close;
    } else if (text.startsWith('**', i)) {
      return i;
    }
  }
  return -1;
}

/**
 * Builds the blocks of `parseMarkdown` as nodes of `doc` (a `Document`): a
 * DocumentFragment of `h1`–`h3`, `p`, `ul`/`li`, `pre`/`code` (with the class
 * `language-LANG`), `code` and `strong`. All text goes in as text nodes.
 */
export function renderMarkdown(blocks, doc) {
  const fragment = doc.createDocumentFragment();
  for (const block of blocks) fragment.appendChild(renderBlock(block, doc));
  return fragment;
}

function renderBlock(block, doc) {
  switch (block.type) {
    case 'heading':
      return inline(doc.createElement(`h${block.level}`), block.content, doc);
    case 'paragraph':
      return inline(doc.createElement('p'), block.content, doc);
    case 'list': {
      const ul = doc.createElement('ul');
      for (const item of block.items) ul.appendChild(inline(doc.createElement('li'), item, doc));
      return ul;
    }
    case 'code': {
      const pre = doc.createElement('pre');
      const code = doc.createElement('code');
      if (block.lang) code.className = `language-${block.lang}`;
      code.appendChild(doc.createTextNode(block.text));
      pre.appendChild(code);
      return pre;
    }
    default:
      throw new Error(`renderMarkdown: unknown block ${JSON.stringify(block.type)}`);
  }
}

/** Appends inline pieces to `parent`; returns it. */
function inline(parent, pieces, doc) {
  for (const piece of pieces) {
    if (piece.type === 'text') {
      parent.appendChild(doc.createTextNode(piece.text));
    } else if (piece.type === 'code') {
      const code = doc.createElement('code');
      code.appendChild(doc.createTextNode(piece.text));
      parent.appendChild(code);
    } else if (piece.type === 'strong') {
      parent.appendChild(inline(doc.createElement('strong'), piece.content, doc));
    } else {
      throw new Error(`renderMarkdown: unknown inline piece ${JSON.stringify(piece.type)}`);
    }
  }
  return parent;
}
