// Unit tests of src/tour-progress.js: the lessons' links, a lesson's task, the program a
// lesson shows, and the progress kept in a storage (a stand-in here, also a full one).
//
//   node --test web/test/tour-progress.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarkdown } from '../src/markdown.js';
import { lessonHash, lessonFromHash, splitTask, lessonProgram, sameRequest, inputText, parseProgress, TourProgress, TOUR_KEY } from '../src/tour-progress.js';

/** A Storage stand-in; `full`: every write throws, as a full or disabled localStorage does. */
function memoryStorage({ full = false } = {}) {
  const items = new Map();
  return {
    items,
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => {
      if (full) throw new Error('QuotaExceededError');
      items.set(k, String(v));
    },
    removeItem: (k) => items.delete(k),
  };
}

const LESSON = {
  number: 11,
  title: 'Reading input',
  starter: 'read println\n',
  check: { args: '2', input: ['3', '4'], output: '7\n', stack: null, error: null },
};

test('a lesson link and back', () => {
  assert.equal(lessonHash(5), '#tour/5');
  assert.equal(lessonFromHash('#tour/5', 13), 5);
  assert.equal(lessonFromHash('tour/13', 13), 13);
  assert.equal(lessonFromHash('#tour', 13), 1);
  assert.equal(lessonFromHash('#tour/99', 13), 13, 'clamped to the last lesson');
  assert.equal(lessonFromHash('#tour/0', 13), 1);
  for (const other of ['', '#', '#code=abc', '#tour/x', '#tours/2', '#tour/5/6', '#tour/1234567']) assert.equal(lessonFromHash(other, 13), null, other);
  assert.equal(lessonFromHash('#tour/1', 0), null, 'no lessons');
});

test('the task is the last paragraph that starts with a bold "Task:"', () => {
  const blocks = parseMarkdown('Intro with **bold**.\n\n```svm\n1 println\n```\n\n**Task:** print `2`.\n');
  const { body, task } = splitTask(blocks);
  assert.deepEqual(
    body.map((b) => b.type),
    ['paragraph', 'code'],
  );
  assert.equal(task.content[0].type, 'strong');
  assert.deepEqual(task.content.slice(1), [{ type: 'text', text: ' print ' }, { type: 'code', text: '2' }, { type: 'text', text: '.' }]);
  // No task: the whole text is the body.
  const plain = parseMarkdown('**Note:** nothing to do.');
  assert.deepEqual(splitTask(plain), { body: plain, task: null });
});

test('a lesson shows its code or its starter, with the check\'s arguments and input', () => {
  assert.deepEqual(lessonProgram(LESSON, null), { source: 'read println\n', args: '2', stdin: '3\n4\n', breakpoints: [] });
  assert.equal(lessonProgram(LESSON, 'typed').source, 'typed');
  assert.equal(inputText([]), '');
  assert.ok(sameRequest(LESSON, { args: '2', stdin: '3\n4\n' }));
  assert.ok(!sameRequest(LESSON, { args: '2', stdin: '3\n' }));
  assert.ok(!sameRequest(LESSON, { args: '', stdin: '3\n4\n' }));
});

test('progress: passed lessons and the code of each, kept across instances', () => {
  const local = memoryStorage();
  const p = new TourProgress(local);
  assert.deepEqual(p.read(), { passed: [], predicted: [], code: {}, last: null });
  assert.ok(p.markPassed(3));
  assert.ok(p.markPassed(1));
  assert.ok(p.markPassed(3));
  assert.ok(p.setCode(2, 'mine', 'starter'));
  assert.ok(p.setLast(2));
  assert.ok(p.markPredicted(3));
  assert.ok(p.markPredicted(3));
  const again = new TourProgress(local);
  assert.deepEqual(again.read(), { passed: [1, 3], predicted: [3], code: { 2: 'mine' }, last: 2 });
  assert.ok(again.passed(3));
  assert.ok(!again.passed(2));
  assert.equal(again.code(2), 'mine');
  assert.equal(again.code(4), null);
  // The starter itself, or null, is not kept as code.
  again.setCode(2, 'starter', 'starter');
  assert.equal(again.code(2), null);
  again.setCode(5, 'x', 'y');
  again.setCode(5, null, 'y');
  assert.equal(again.code(5), null);
  // Another tab's passed lesson is not lost by this one's write.
  const other = new TourProgress(local);
  other.markPassed(7);
  p.setCode(1, 'one', 'starter');
  assert.deepEqual(new TourProgress(local).read().passed, [1, 3, 7]);
});

test('progress: damaged, full or missing storage', () => {
  const local = memoryStorage();
  local.setItem(TOUR_KEY, '{not json');
  assert.deepEqual(new TourProgress(local).read(), { passed: [], predicted: [], code: {}, last: null });
  assert.deepEqual(parseProgress(JSON.stringify({ passed: [2, 'x', -1, 2.5, 2, 1], predicted: [4, 'y', 0], code: { 3: 'a', x: 'b', 4: 5 }, last: 'no' })), {
    passed: [1, 2],
    predicted: [4],
    code: { 3: 'a' },
    last: null,
  });
  const full = new TourProgress(memoryStorage({ full: true }));
  assert.equal(full.markPassed(1), false, 'a write that fails says so');
  assert.equal(full.passed(1), false);
  const none = new TourProgress(null);
  assert.equal(none.setCode(1, 'x', 'y'), false);
  assert.equal(none.code(1), null);
});
