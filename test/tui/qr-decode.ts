// A QR code drawn as terminal text, turned back into a picture and decoded, as a phone would:
// each character is two modules, one above the other; a glyph's ink is a light module.
import jsqr from 'jsqr';

// jsqr is CommonJS whose types declare an ES default export: the function is the module itself.
const jsQR = jsqr as unknown as typeof jsqr.default;

const HALVES: Record<string, readonly [top: boolean, bottom: boolean]> = {
  ' ': [false, false],
  '\u2584': [false, true],
  '\u2580': [true, false],
  '\u2588': [true, true],
};

/** The text a QR code drawn in `lines` holds, or null when no code is found in it. */
export function decodeQrText(lines: readonly string[], scale = 4): string | null {
  if (lines.length === 0) return null;
  const width = Math.max(...lines.map((l) => l.length));
  const height = lines.length * 2;
  const pixels = new Uint8ClampedArray(width * scale * height * scale * 4);
  const rowBytes = width * scale * 4;
  lines.forEach((line, row) => {
    [...line.padEnd(width, ' ')].forEach((ch, x) => {
      const halves = HALVES[ch];
      if (halves === undefined) throw new Error(`not a half block: ${JSON.stringify(ch)} at line ${row}, column ${x}`);
      halves.forEach((light, half) => {
        const value = light ? 255 : 0;
        for (let dy = 0; dy < scale; dy += 1) {
          const y = (row * 2 + half) * scale + dy;
          for (let dx = 0; dx < scale; dx += 1) {
            const i = y * rowBytes + (x * scale + dx) * 4;
            pixels[i] = pixels[i + 1] = pixels[i + 2] = value;
            pixels[i + 3] = 255;
          }
        }
      });
    });
  });
  // No inversion attempts: the drawing must be the right way round to count.
  return jsQR(pixels, width * scale, height * scale, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** The lines of a screen that hold half blocks, each cut to the block's columns. */
export function qrLinesOf(screen: string): string[] {
  const rows = screen.split('\n');
  const found = rows.map((r) => /[\u2580\u2584\u2588][\u2580\u2584\u2588 ]*[\u2580\u2584\u2588]/.exec(r));
  const hit = found.filter((m): m is RegExpExecArray => m !== null);
  if (hit.length === 0) return [];
  const left = Math.min(...hit.map((m) => m.index));
  const right = Math.max(...hit.map((m) => m.index + m[0].length));
  const first = found.findIndex((m) => m !== null);
  const last = found.length - 1 - [...found].reverse().findIndex((m) => m !== null);
  return rows.slice(first, last + 1).map((r) => r.slice(left, right).padEnd(right - left, ' '));
}
