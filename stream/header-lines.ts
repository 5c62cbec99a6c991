// Line splitting and header-field parsing shared by the HTTP/ICE request head and the SHOUTcast v1
// header block. Limits and line ends follow Icecast 2.4.4 (docs/icecast-compatibility.md#request-heads): the head
// fits in 4095 bytes (PER_CLIENT_REFBUF_SIZE 4096 minus its NUL), at most 32 lines, and a line
// may end in "\r\n", "\n" or "\r\r\n" (the NSV quirk). Field syntax is RFC 9110 §5 / RFC 9112 §5.
import { isUtf8 } from 'node:buffer';

export const MAX_HEAD_BYTES = 4095;
/** Lines before the blank line, the request line included (Icecast's MAX_HEADERS). */
export const MAX_HEAD_LINES = 32;

export type HeadSplit =
  /** `lines`: the lines complete so far, so a caller can reject garbage before the head ends. */
  | { kind: 'incomplete'; lines: Buffer[] }
  /** `end`: offset of the first byte after the blank line. */
  | { kind: 'ok'; lines: Buffer[]; end: number }
  | { kind: 'error'; reason: 'too-large' | 'too-many-headers' };

/** Finds the blank line that ends a head; returns the lines before it without their line ends. */
export function splitHead(buf: Buffer, maxBytes = MAX_HEAD_BYTES, maxLines = MAX_HEAD_LINES): HeadSplit {
  const lines: Buffer[] = [];
  const window = Math.min(buf.length, maxBytes);
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1 || nl >= window) {
      return buf.length >= maxBytes ? { kind: 'error', reason: 'too-large' } : { kind: 'incomplete', lines };
    }
    let stop = nl;
    // "\r\n" and "\r\r\n" both end a line; any other CR stays in the line and fails validation.
    for (let i = 0; i < 2 && stop > start && buf[stop - 1] === 0x0d; i++) stop--;
    const line = buf.subarray(start, stop);
    start = nl + 1;
    if (line.length === 0) return { kind: 'ok', lines, end: start };
    if (lines.length === maxLines) return { kind: 'error', reason: 'too-many-headers' };
    lines.push(line);
  }
}

/** Header fields by lower-cased name, values in arrival order. */
export interface HeaderFields {
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** The first value of a field (name is case-insensitive). */
  get(name: string): string | undefined;
}

export function headerFields(headers: ReadonlyMap<string, readonly string[]>): HeaderFields {
  return { headers, get: (name) => headers.get(name.toLowerCase())?.[0] };
}

export type FieldsResult = { kind: 'ok'; fields: HeaderFields } | { kind: 'error'; message: string };

/**
 * Parses `name: value` lines. `firstLine` is the 1-based number of lines[0] within the head, so
 * messages point at the right line. Messages never quote the input (they end up in logs).
 */
export function parseFieldLines(lines: readonly Buffer[], firstLine = 1): FieldsResult {
  const headers = new Map<string, string[]>();
  for (const [i, line] of lines.entries()) {
    const where = `header line ${firstLine + i}`;
    // RFC 9112 §5.2: obs-fold is rejected, never unfolded (a classic request-smuggling vector).
    if (line[0] === 0x20 || line[0] === 0x09) return fail(`${where} starts with whitespace (obsolete line folding)`);
    let colon = 0;
    while (colon < line.length && isTchar(line[colon]!)) colon++;
    if (colon === 0) return fail(`${where} has no field name`);
    // RFC 9112 §5.1: no whitespace between the field name and the colon.
    if (colon === line.length || line[colon] !== 0x3a) return fail(`${where} is not "name: value"`);
    let from = colon + 1;
    let to = line.length;
    while (from < to && isOws(line[from]!)) from++;
    while (to > from && isOws(line[to - 1]!)) to--;
    const value = line.subarray(from, to);
    if (!isFieldValue(value)) return fail(`${where} has a control character in its value`);
    const name = line.toString('latin1', 0, colon).toLowerCase();
    const values = headers.get(name);
    if (values) values.push(decodeText(value));
    else headers.set(name, [decodeText(value)]);
  }
  return { kind: 'ok', fields: headerFields(headers) };
}

/**
 * Header bytes as text: UTF-8 when valid (what current encoders send in ice-name and friends),
 * otherwise Latin-1 (RFC 9110 obs-text) so that no byte is lost.
 */
export function decodeText(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

/** RFC 9110 §5.6.2 tchar. */
export function isTchar(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x21 && b <= 0x7e && "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b)))
  );
}

/** RFC 9110 §5.5: field-vchar / SP / HTAB; obs-text (0x80–0xFF) allowed, CTLs and DEL are not. */
export function isFieldValue(bytes: Buffer): boolean {
  for (const b of bytes) {
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) return false;
  }
  return true;
}

/** True when a string can be written as a header value without letting the reader see a new line. */
export function isSafeHeaderValue(value: string): boolean {
  return !/[\x00-\x08\x0a-\x1f\x7f]/.test(value);
}

function isOws(b: number): boolean {
  return b === 0x20 || b === 0x09;
}

function fail(message: string): FieldsResult {
  return { kind: 'error', message };
}
