// Unit tests of src/share.js: share links encode and decode a program, and a damaged link
// gives a clear error (Node has the browser's CompressionStream, Blob, btoa and atob).
//
//   node --test web/test/share.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { encodeState, decodeState, isShareFragment } from '../src/share.js';

/** A fragment carrying `bytes` as this page writes them: `code=` + base64url(deflate-raw). */
const fragmentOf = (bytes) => `code=${zlib.deflateRawSync(bytes).toString('base64url')}`;
const json = (obj) => Buffer.from(JSON.stringify(obj));

test('a program, its arguments and input survive the round trip', async () => {
  const states = [
    { source: '"Hello" println\n', args: '10 "a b"', stdin: 'one\ntwo\n' },
    { source: '', args: '', stdin: '' },
    // Every kind of character: accents, CJK, emoji (surrogate pairs), controls, quotes.
    { source: '"héllo wörld 你好 🎉 \\" \\\\ \t" println # ünïcode\r\n', args: '"ß"', stdin: '\u0000\u001f\n' },
    // Large: more than one chunk of the base64 conversion.
    { source: Array.from({ length: 20000 }, (_, i) => `${i} ${(i * 7919) % 10007} + println`).join('\n'), args: '', stdin: '' },
  ];
  for (const s of states) {
    const fragment = await encodeState({ ...s, breakpoints: [3] });
    assert.ok(isShareFragment(fragment));
    assert.match(fragment, /^code=[A-Za-z0-9_-]*$/, 'only base64url characters, no padding');
    assert.deepEqual(await decodeState(fragment), s);
  }
});

test('the link is compressed', async () => {
  const source = '1 2 + println\n'.repeat(1000);
  const fragment = await encodeState({ source, args: '', stdin: '' });
  assert.ok(fragment.length < source.length / 20, `${fragment.length} characters for ${source.length}`);
});

test('only code= fragments are share links', () => {
  assert.equal(isShareFragment('code=abc'), true);
  assert.equal(isShareFragment(''), false);
  assert.equal(isShareFragment('op-dup'), false);
  assert.equal(isShareFragment('xcode=abc'), false);
});

test('damaged links give a clear error', async () => {
  const good = await encodeState({ source: '"a program of some length" println\n'.repeat(5), args: '1', stdin: '' });
  const body = good.slice('code='.length);
  const cases = [
    ['code=', /holds no program/],
    ['code=abc$def', /characters that base64url does not use/],
    ['code=abc+def', /characters that base64url does not use/],
    ['code=abcde', /wrong length/],
    // Cut: the deflate stream ends too early.
    [`code=${body.slice(0, Math.floor(body.length / 2))}`, /damaged or incomplete/],
    ['code=AAAA', /damaged or incomplete/],
    [fragmentOf(Buffer.from('not json')), /not a program$/],
    [fragmentOf(Buffer.from([0xff, 0xfe, 0x22])), /not a program$/],
    [fragmentOf(json({ source: 'x', args: '', stdin: '' })), /not a program of this playground/],
    [fragmentOf(json({ v: 2, source: 'x', args: '', stdin: '' })), /not a program of this playground/],
    [fragmentOf(json({ v: 1, source: 3, args: '', stdin: '' })), /not a program of this playground/],
    [fragmentOf(json(null)), /not a program of this playground/],
    // A small link that expands to megabytes stays harmless.
    [fragmentOf(Buffer.alloc(5 << 20, 32)), /expands to more than 4 MiB/],
  ];
  for (const [fragment, message] of cases) {
    await assert.rejects(decodeState(fragment), message, fragment.slice(0, 40));
  }
});
