// Text that listeners and sources choose (user agents, stream titles, mount names, log lines) is
// written into an operator's terminal. Escape sequences in it could move the cursor, retitle the
// window or worse, and wide or zero-width characters break the column layout (blessed measures
// every character as one cell: chjj/blessed#4, #422). So everything shown passes through here:
// escape sequences are removed whole, control characters and anything outside a table of
// one-cell scripts become "?", and the result is capped.

/** Longest text kept from any one field; a row never needs more. */
export const MAX_FIELD = 256;

// ECMA-48: CSI (ESC [ or C1 0x9B) parameters/intermediates then a final byte; OSC/DCS/SOS/PM/APC
// (ESC ] P X ^ _ or their C1 forms) up to BEL or ST; any other two-character ESC sequence.
const ESCAPES =
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x7e]?/g;

/** Ranges of characters a terminal draws in exactly one cell, whatever its font (inclusive). */
const ONE_CELL: readonly (readonly [number, number])[] = [
  [0x20, 0x7e], // ASCII
  [0xa0, 0x2ff], // Latin-1, Latin Extended A/B, IPA, spacing modifiers
  [0x370, 0x3ff], // Greek
  [0x400, 0x4ff], // Cyrillic
  [0x1e00, 0x1eff], // Latin Extended Additional (Vietnamese)
  [0x2010, 0x2027], // dashes, quotes, bullet, ellipsis (U+200B–200F zero-width and marks excluded)
  [0x20a0, 0x20bf], // currency signs
];

function oneCell(code: number): boolean {
  return ONE_CELL.some(([lo, hi]) => code >= lo && code <= hi);
}

/** Text safe to put in a cell: no escapes, no controls, one cell per character, at most `max`. */
export function sanitise(text: string | null | undefined, max = MAX_FIELD): string {
  if (text === null || text === undefined) return '';
  // Cap before the regex work too: a hostile 1 MB user agent costs no more than 4 KB.
  const head = text.length > max * 16 ? text.slice(0, max * 16) : text;
  let out = '';
  for (const ch of head.replace(ESCAPES, '')) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0x09) out += ' ';
    else out += oneCell(code) ? ch : '?';
    if (out.length >= max) break;
  }
  return out;
}

/**
 * `text` cut to `width` cells, marking the cut with "~" (ASCII, unlike "…"); "" for width 0.
 * Expects sanitised text (one cell per UTF-16 unit, as ONE_CELL is all in the BMP).
 */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '~' : `${text.slice(0, width - 1)}~`;
}

/** Truncated, then padded to exactly `width`: left-aligned, or right-aligned for numbers. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  return align === 'left' ? cut.padEnd(width, ' ') : cut.padStart(width, ' ');
}
