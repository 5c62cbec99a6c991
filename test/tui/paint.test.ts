// The blessed layer on a fake terminal stream (docs/supervision.md#the-dashboard): it writes to the
// terminal only when the frame changed, and paints the frame's text where the layout says.
import test from 'ava';
import { PassThrough } from 'node:stream';
import type { Frame } from '../../tui/frame.ts';
import { TuiScreen } from '../../tui/screen.ts';

function fakeTerminal(width: number, height: number) {
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: width, rows: height });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  let written = 0;
  output.on('data', (chunk: Buffer) => (written += chunk.length));
  return { input, output, written: () => written };
}

const frame = (text: string): Frame => ({
  kind: 'panes',
  blocks: [
    { id: 'header', rect: { top: 0, left: 0, width: 40, height: 1 }, lines: [{ text: text.padEnd(40), tone: 'good', emphasis: 'none' }] },
    { id: 'footer', rect: { top: 9, left: 0, width: 40, height: 1 }, lines: [{ text: '{bold}not a tag'.padEnd(40), tone: 'plain', emphasis: 'none' }] },
  ],
});

test('an unchanged frame writes nothing; a changed one is painted', async (t) => {
  const term = fakeTerminal(40, 10);
  const screen = new TuiScreen({ input: term.input, output: term.output, terminal: 'xterm-256color', color: false }, () => {}, () => {});
  t.teardown(() => screen.destroy());
  screen.paint(frame('Radio  OK'));
  await new Promise((r) => setImmediate(r));
  const afterFirst = term.written();
  t.true(afterFirst > 0);
  for (let i = 0; i < 5; i += 1) screen.paint(frame('Radio  OK'));
  await new Promise((r) => setImmediate(r));
  t.is(term.written(), afterFirst);
  screen.paint(frame('Radio  DOWN'));
  await new Promise((r) => setImmediate(r));
  t.true(term.written() > afterFirst);
  t.is(screen.text()[0]!.trimEnd(), 'Radio  DOWN');
});

test('text is painted as text: braces are not blessed tags, rows land where the layout says', (t) => {
  const term = fakeTerminal(40, 10);
  const screen = new TuiScreen({ input: term.input, output: term.output, terminal: 'xterm-256color', color: false }, () => {}, () => {});
  t.teardown(() => screen.destroy());
  screen.paint(frame('Radio  OK'));
  const cells = screen.text();
  t.is(cells[0]!.trimEnd(), 'Radio  OK');
  t.is(cells[9]!.trimEnd(), '{bold}not a tag');
});
