// A QR code as terminal text, so a phone scans a link straight off the screen (an SSH session
// included). The `qrcode` package makes the matrix; renderQr draws it with half-block characters,
// two modules per character cell, one above the other, so the code is about square on a terminal
// whose cells are twice as high as wide. Pure apart from the matrix: table-tested, and decoded
// back to its text in test/tui/qr.test.ts.
//
// Ink is the light module: on the usual light-on-dark terminal the glyphs are light and the
// background dark, which is how a QR code is printed (dark modules on a light ground). Where
// colour is on, the dashboard and `icegate link create` pin white on black so a light-themed
// terminal shows it the same way. The quiet zone (4 modules on every side, ISO/IEC 18004 §7.3.8)
// is part of the drawing, so the code scans whatever surrounds it.
import QRCode from 'qrcode';

export const QUIET_ZONE = 4;

/** The dark (true) and light (false) modules of a square QR code, row by row. */
export interface QrMatrix {
  readonly size: number;
  dark(x: number, y: number): boolean;
}

/**
 * The QR code of `text` with the lowest error correction (L): a screen is not a torn label, and
 * L keeps a long link small enough for a terminal.
 */
export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'L' });
  return { size: modules.size, dark: (x, y) => modules.get(y, x) === 1 };
}

// Index: (top light ? 2 : 0) + (bottom light ? 1 : 0).
const GLYPHS = [' ', '\u2584', '\u2580', '\u2588'] as const;

/**
 * The matrix as lines of half blocks, quiet zone included: ceil((size + 2·quiet) / 2) lines of
 * size + 2·quiet characters. Below the last module row (the total is odd for every QR version)
 * the lower half of the last line is blank.
 */
export function renderQr(matrix: QrMatrix, quiet = QUIET_ZONE): string[] {
  const total = matrix.size + 2 * quiet;
  const light = (x: number, y: number): boolean => {
    if (y >= total) return false;
    const mx = x - quiet;
    const my = y - quiet;
    if (mx < 0 || my < 0 || mx >= matrix.size || my >= matrix.size) return true;
    return !matrix.dark(mx, my);
  };
  const lines: string[] = [];
  for (let y = 0; y < total; y += 2) {
    let line = '';
    for (let x = 0; x < total; x += 1) line += GLYPHS[(light(x, y) ? 2 : 0) + (light(x, y + 1) ? 1 : 0)];
    lines.push(line);
  }
  return lines;
}
