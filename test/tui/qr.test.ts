// The QR renderer: half blocks, the quiet zone around, the right way round; and what it draws
// decodes back to the link it was made from.
import test from 'ava';
import { qrMatrix, renderQr, type QrMatrix } from '../../tui/qr.ts';
import { decodeQrText } from './qr-decode.ts';

/** A matrix from rows of "#" (dark) and "." (light). */
function matrix(rows: string[]): QrMatrix {
  return { size: rows.length, dark: (x, y) => rows[y]![x] === '#' };
}

const drawings: readonly (readonly [string, string[], number, string[]])[] = [
  ['one dark module, no quiet zone: blank cell, blank lower half', ['#'], 0, [' ']],
  ['one light module, no quiet zone: upper half only', ['.'], 0, ['\u2580']],
  ['2x2 checker', ['#.', '.#'], 0, ['\u2584\u2580']],
  ['2x2 all dark', ['##', '##'], 0, ['  ']],
  ['2x2 all light', ['..', '..'], 0, ['\u2588\u2588']],
  ['3x3 with a quiet zone of 1: light frame, odd height leaves the last lower half blank', ['###', '#.#', '###'], 1, ['\u2588\u2580\u2580\u2580\u2588', '\u2588 \u2580 \u2588', '\u2580\u2580\u2580\u2580\u2580']],
];
for (const [title, rows, quiet, expected] of drawings) {
  test(`renderQr: ${title}`, (t) => t.deepEqual(renderQr(matrix(rows), quiet), expected));
}

test('renderQr: every version has (size + 8) columns and ceil((size + 8) / 2) lines, quiet zone light', (t) => {
  for (const length of [10, 60, 160, 300]) {
    const m = qrMatrix('x'.repeat(length));
    const lines = renderQr(m);
    t.is(lines.length, Math.ceil((m.size + 8) / 2));
    for (const line of lines) t.is(line.length, m.size + 8);
    t.deepEqual(lines.slice(0, 2), ['\u2588'.repeat(m.size + 8), '\u2588'.repeat(m.size + 8)], 'four light rows above');
    t.is(lines.at(-1), '\u2580'.repeat(m.size + 8), 'four light rows below, the last lower half blank');
    for (const line of lines.slice(2, -2)) t.true(line.startsWith('\u2588'.repeat(4)) && line.endsWith('\u2588'.repeat(4)), line);
  }
});

const links = [
  'https://radio.example:8443/t/k1.WzEsIi9saXZlLm1wMyIsMTc2NzAwMDAwMCwwLCJBQUFBQUFBQUFBQUFBQUFBQUFBQUFBIl0.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ/',
  'https://127.0.0.1:8443/t/a.b.0123456789012345678901234567890123456789012/live.mp3',
  'http://[2001:db8::1]:8000/live.ogg',
  'https://radio.example/',
];
for (const link of links) {
  test(`the drawing decodes back to ${link.slice(0, 48)}…`, (t) => {
    t.is(decodeQrText(renderQr(qrMatrix(link))), link);
  });
}

test('drawn the wrong way round (ink for dark modules) it does not decode without inversion', (t) => {
  const link = links[0]!;
  const m = qrMatrix(link);
  const inverted: QrMatrix = { size: m.size, dark: (x, y) => !m.dark(x, y) };
  // The quiet zone stays light in both, so only the modules are swapped: no valid code.
  t.is(decodeQrText(renderQr(inverted)), null);
});
