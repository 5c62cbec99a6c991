// SHOUTcast v1 source login, the pure parts (docs/icecast-compatibility.md#shoutcast-v1-sources): the client sends its
// password on a line of its own, the server answers OK2, the client sends icy-* header lines and a
// blank line, then raw audio. Wrong passwords get no reply at all, as in Icecast.
import { MAX_HEAD_BYTES, MAX_HEAD_LINES, decodeText, isFieldValue, parseFieldLines, splitHead, type HeaderFields } from '../stream/header-lines.ts';
import { canonicalPath } from '../stream/paths/request.ts';

export const OK2_REPLY = 'OK2\r\nicy-caps:11\r\n\r\n';
/** The password line, its line end included. */
export const MAX_PASSWORD_LINE = 256;

export type PasswordLine =
  | { kind: 'incomplete' }
  /**
   * `line`: the whole line. In Icecast-KH's `/mount:password` form, `mount` and `password` are its
   * two halves; otherwise `password` is the line and `mount` is absent. A password that itself
   * looks like `/x:y` is ambiguous, so the caller may also try `line` against the default mount.
   */
  | { kind: 'ok'; line: string; password: string; mount?: string; rest: Buffer }
  | { kind: 'error'; message: string };

export function parsePasswordLine(buf: Buffer): PasswordLine {
  const nl = buf.indexOf(0x0a);
  if (nl === -1 || nl >= MAX_PASSWORD_LINE) {
    return buf.length >= MAX_PASSWORD_LINE ? { kind: 'error', message: 'the password line is too long' } : { kind: 'incomplete' };
  }
  let stop = nl;
  // "\r\n", "\n" and "\r\r\n" all end the line, as in Icecast.
  for (let i = 0; i < 2 && stop > 0 && buf[stop - 1] === 0x0d; i++) stop--;
  const bytes = buf.subarray(0, stop);
  if (!isFieldValue(bytes) || bytes.includes(0x09)) return { kind: 'error', message: 'the password line contains a control character' };
  const line = decodeText(bytes);
  const rest = buf.subarray(nl + 1);
  const colon = line.indexOf(':');
  if (!line.startsWith('/') || colon === -1) return { kind: 'ok', line, password: line, rest };
  const mount = canonicalPath(line.slice(0, colon));
  if (mount.kind === 'error') return { kind: 'error', message: `the mount before the password is invalid: ${mount.message}` };
  return { kind: 'ok', line, password: line.slice(colon + 1), mount: mount.path, rest };
}

export type IcyHeaders =
  | { kind: 'incomplete' }
  /** `rest`: the first audio bytes. */
  | { kind: 'ok'; headers: HeaderFields; rest: Buffer }
  | { kind: 'error'; message: string };

/** The header block after OK2: `icy-name:…`, `content-type:…` lines up to a blank line. */
export function parseIcyHeaders(buf: Buffer): IcyHeaders {
  const split = splitHead(buf);
  if (split.kind === 'error') {
    return {
      kind: 'error',
      message: split.reason === 'too-large' ? `the header block does not fit in ${MAX_HEAD_BYTES} bytes` : `the header block has more than ${MAX_HEAD_LINES} lines`,
    };
  }
  const fields = parseFieldLines(split.lines);
  if (fields.kind === 'error') return fields;
  if (split.kind === 'incomplete') return { kind: 'incomplete' };
  return { kind: 'ok', headers: fields.fields, rest: buf.subarray(split.end) };
}
