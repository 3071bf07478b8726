// Unit tests of src/markdown.js (node --test), with a small stand-in for a Document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInline, parseMarkdown, renderMarkdown } from '../src/markdown.js';

/** Elements and text nodes enough for renderMarkdown, and their HTML, escaped. */
class El {
  constructor(name) {
    this.nodeName = name;
    this.className = '';
    this.childNodes = [];
  }
  appendChild(child) {
    this.childNodes.push(child);
    return child;
  }
  get html() {
    const inner = this.childNodes.map((c) => c.html).join('');
    if (this.nodeName === '#fragment') return inner;
    const cls = this.className ? ` class="${this.className}"` : '';
    return `<${this.nodeName}${cls}>${inner}</${this.nodeName}>`;
  }
}
const escape = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const doc = {
  createElement: (name) => new El(name),
  createTextNode: (data) => ({ data, html: escape(data) }),
  createDocumentFragment: () => new El('#fragment'),
};
const html = (md) => renderMarkdown(parseMarkdown(md), doc).html;

test('inline code and bold', () => {
  assert.deepEqual(parseInline('a `b **c**` and **d `e`** f'), [
    { type: 'text', text: 'a ' },
    { type: 'code', text: 'b **c**' },
    { type: 'text', text: ' and ' },
    { type: 'strong', content: [{ type: 'text', text: 'd ' }, { type: 'code', text: 'e' }] },
    { type: 'text', text: ' f' },
  ]);
  // Markers without their closing one are text.
  assert.deepEqual(parseInline('2 ** 3 and ` alone'), [{ type: 'text', text: '2 ** 3 and ` alone' }]);
  assert.deepEqual(parseInline('``'), [{ type: 'text', text: '``' }]);
  assert.deepEqual(parseInline('a `*` b'), [{ type: 'text', text: 'a ' }, { type: 'code', text: '*' }, { type: 'text', text: ' b' }]);
});

test('paragraphs, headings, lists and code blocks', () => {
  const md = '# Title\n\nOne line\nand the next.\n\n- `dup` copies,\n  the top.\n- `drop`\n\n```svm\n1 2 +\n\nprintln\n```\nAfter.\n';
  assert.deepEqual(parseMarkdown(md), [
    { type: 'heading', level: 1, content: [{ type: 'text', text: 'Title' }] },
    { type: 'paragraph', content: [{ type: 'text', text: 'One line and the next.' }] },
    {
      type: 'list',
      items: [
        [{ type: 'code', text: 'dup' }, { type: 'text', text: ' copies, the top.' }],
        [{ type: 'code', text: 'drop' }],
      ],
    },
    { type: 'code', lang: 'svm', text: '1 2 +\n\nprintln' },
    { type: 'paragraph', content: [{ type: 'text', text: 'After.' }] },
  ]);
  assert.equal(
    html(md),
    '<h1>Title</h1><p>One line and the next.</p><ul><li><code>dup</code> copies, the top.</li><li><code>drop</code></li></ul>' +
      '<pre><code class="language-svm">1 2 +\n\nprintln</code></pre><p>After.</p>',
  );
});

test('a list ends at a paragraph line, and an unclosed fence at the end', () => {
  assert.deepEqual(
    parseMarkdown('- a\nText\n```\nx').map((b) => b.type),
    ['list', 'paragraph', 'code'],
  );
  assert.equal(html('```\n<b>x</b>'), '<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>');
});

test('the text is never markup', () => {
  assert.equal(html('<img src=x onerror=alert(1)> **<i>b</i>** `<script>`'), '<p>&lt;img src=x onerror=alert(1)&gt; <strong>&lt;i&gt;b&lt;/i&gt;</strong> <code>&lt;script&gt;</code></p>');
  assert.equal(html('[a link](javascript:x) *not emphasis*'), '<p>[a link](javascript:x) *not emphasis*</p>');
});
