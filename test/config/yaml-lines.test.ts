import test from 'ava';
import { LineCounter, parseDocument } from 'yaml';
import type { PathSegment } from '../../config/errors.ts';
import { lineOf, pathAtOffset } from '../../config/yaml-lines.ts';

const text = [
  'station:', //              1
  '  name: radio', //         2
  'relay:', //                3
  '  trustedProxies:', //     4
  '    - 127.0.0.1/32', //    5
  '    - ::1/128', //         6
  '  mounts:', //             7
  '    /live.mp3:', //        8
  '      maxListeners: 5', // 9
  '    /b.mp3: {hidden: true, fallbackMount: /live.mp3}', // 10
  '  relays:', //             11
  '    - url: http://m.example/x', // 12
  '      onDemand: true', //  13
  '  port: &p 8100', //       14
  '  shoutcast: {port: *p}', // 15
  '',
].join('\n');
const lines = new LineCounter();
const doc = parseDocument(text, { lineCounter: lines });

const findsLine = test.macro({
  exec(t, path: PathSegment[], expected: number | null) {
    t.is(lineOf(doc, lines, path), expected);
  },
  title: (_title, path: PathSegment[], expected: number | null) => `line of ${JSON.stringify(path)} is ${expected}`,
});

test(findsLine, ['station', 'name'], 2);
test(findsLine, ['relay', 'trustedProxies', 1], 6);
test(findsLine, ['relay', 'mounts', '/live.mp3', 'maxListeners'], 9);
test(findsLine, ['relay', 'mounts', '/b.mp3', 'fallbackMount'], 10);
test(findsLine, ['relay', 'relays', 0, 'onDemand'], 13);
test(findsLine, ['relay', 'shoutcast', 'port'], 15);
test('a missing key takes its nearest ancestor line', findsLine, ['relay', 'mounts', '/live.mp3', 'fallbackMount'], 8);
test('a missing section takes the line of its parent', findsLine, ['relay', 'limits', 'queueSize'], 3);
test('the top level has no line', findsLine, [], null);
test('a missing top-level key has no line', findsLine, ['stateDir'], null);

const findsPath = test.macro({
  exec(t, needle: string, expected: PathSegment[]) {
    t.deepEqual(pathAtOffset(doc, text.indexOf(needle)), expected);
  },
  title: (_title, needle: string, expected: PathSegment[]) => `offset of ${JSON.stringify(needle)} is in ${JSON.stringify(expected)}`,
});

test(findsPath, 'name', ['station', 'name']);
test(findsPath, 'radio', ['station', 'name']);
test(findsPath, '::1/128', ['relay', 'trustedProxies', 1]);
test(findsPath, 'maxListeners', ['relay', 'mounts', '/live.mp3', 'maxListeners']);
test(findsPath, 'onDemand', ['relay', 'relays', 0, 'onDemand']);
test(findsPath, 'relay:', ['relay']);

test('of duplicated keys the last counts, or the first when asked', (t) => {
  const dupLines = new LineCounter();
  const dup = parseDocument('relay:\n  port: 1\n  port: 2\n', { lineCounter: dupLines, uniqueKeys: false });
  t.is(lineOf(dup, dupLines, ['relay', 'port']), 3);
  t.is(lineOf(dup, dupLines, ['relay', 'port'], 'first'), 2);
});
