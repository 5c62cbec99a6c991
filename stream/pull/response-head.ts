// The upstream's reply to a relay's GET, read from a raw socket. Node's parser cannot be used:
// SHOUTcast v1 and some Icecast-KH configurations answer `ICY 200 OK`, which llhttp rejects
// (docs/gateway-security.md#upstream-status-lines), so the status line is ours and the fields reuse the request-head
// field parser (same RFC 9112 §5 syntax, same refusal of obs-fold and control characters).
import { parseFieldLines, splitHead, type HeaderFields } from '../header-lines.ts';

/** Wider than a request head: SHOUTcast servers send several icy-notice lines. */
const MAX_RESPONSE_HEAD_BYTES = 8192;
const MAX_RESPONSE_HEAD_LINES = 64;
const STATUS_LINE = /^(ICY|HTTP\/1\.[01]) ([1-5]\d\d)(?: ([^\x00-\x1f\x7f]*))?$/;

export interface ResponseHead extends HeaderFields {
  readonly protocol: 'ICY' | 'HTTP/1.0' | 'HTTP/1.1';
  readonly status: number;
  readonly reason: string;
}

export type ResponseHeadResult =
  | { kind: 'incomplete' }
  /** `bodyStart`: offset of the first stream byte in the input. */
  | { kind: 'ok'; head: ResponseHead; bodyStart: number }
  /** `message` never quotes the input: it ends up in logs and stats. */
  | { kind: 'error'; message: string };

export function parseResponseHead(buf: Buffer): ResponseHeadResult {
  const split = splitHead(buf, MAX_RESPONSE_HEAD_BYTES, MAX_RESPONSE_HEAD_LINES);
  if (split.kind === 'incomplete') {
    // An HTML page or binary garbage shows itself on the first line: no need to wait for 8 KiB.
    const first = split.lines[0];
    return first && !STATUS_LINE.test(first.toString('latin1')) ? badStatus() : { kind: 'incomplete' };
  }
  if (split.kind === 'error') return { kind: 'error', message: `the response head is too large (${split.reason})` };
  const [statusLine, ...fieldLines] = split.lines;
  const m = statusLine ? STATUS_LINE.exec(statusLine.toString('latin1')) : null;
  if (!m) return badStatus();
  const fields = parseFieldLines(fieldLines, 2);
  if (fields.kind === 'error') return { kind: 'error', message: `bad response head: ${fields.message}` };
  const head: ResponseHead = {
    ...fields.fields,
    protocol: m[1] as ResponseHead['protocol'],
    status: Number(m[2]),
    reason: m[3] ?? '',
  };
  return { kind: 'ok', head, bodyStart: split.end };
}

function badStatus(): ResponseHeadResult {
  return { kind: 'error', message: 'the upstream did not answer with an HTTP or ICY status line' };
}
