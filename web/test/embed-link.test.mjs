import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embedUrl, playgroundUrl, escapeAttr, iframeSnippet } from '../src/embed-link.js';

test('the embeddable page and the playground are beside each other, with the same fragment', () => {
  assert.equal(embedUrl('http://127.0.0.1:8080/', 'code=abc'), 'http://127.0.0.1:8080/embed.html#code=abc');
  assert.equal(embedUrl('https://x.github.io/simple-vm/index.html?q=1#old', 'code=abc'), 'https://x.github.io/simple-vm/embed.html#code=abc');
  assert.equal(playgroundUrl('https://x.github.io/simple-vm/embed.html#code=old', 'code=new'), 'https://x.github.io/simple-vm/#code=new');
  assert.equal(playgroundUrl('http://127.0.0.1:8080/embed.html', 'code=abc'), 'http://127.0.0.1:8080/#code=abc');
});

test('the snippet puts the address in an attribute, escaped', () => {
  assert.equal(escapeAttr(`a&b<c>"d'e`), 'a&amp;b&lt;c&gt;&quot;d&#39;e');
  const src = 'https://h/a&b"c/embed.html#code=x';
  const html = iframeSnippet(src);
  assert.match(html, /^<iframe src="https:\/\/h\/a&amp;b&quot;c\/embed\.html#code=x" /);
  assert.match(html, /height="400"/);
  assert.match(html, /title="simple-vm playground"/);
  assert.match(html, /<\/iframe>$/);
  // Only the escaped address is in the attribute: no quote of it ends it early.
  const attr = html.match(/src="([^"]*)"/)[1];
  assert.equal(attr.replace(/&quot;/g, '"').replace(/&amp;/g, '&'), src);
  assert.match(iframeSnippet('x', { height: 250 }), /height="250"/);
});
