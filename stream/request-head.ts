// A strict request-head parser for raw sockets. Node's HTTP parser cannot read source requests:
// PUT/SOURCE bodies are endless with neither Content-Length nor chunking, and llhttp takes such a
// body as empty and the audio as the next request (docs/icecast-compatibility.md#source-bodies-have-no-length). Limits follow
// Icecast 2.4.4; anything ambiguous is refused rather than guessed (docs/gateway-security.md#request-smuggling).
import { MAX_HEAD_BYTES, MAX_HEAD_LINES, isTchar, parseFieldLines, splitHead, type HeaderFields } from './header-lines.ts';
import { canonicalPath } from './paths/request.ts';

export type { HeaderFields } from './header-lines.ts';

export type Protocol = 'HTTP/1.0' | 'HTTP/1.1' | 'ICE/1.0';

export type HeadError =
  | 'too-large'
  | 'too-many-headers'
  | 'bad-request-line'
  | 'bad-method'
  | 'bad-target'
  | 'bad-protocol'
  | 'bad-path'
  | 'bad-header';

export interface RequestHead extends HeaderFields {
  /** Upper-cased: Icecast compares methods case-insensitively (`source /x HTTP/1.0` works). */
  readonly method: string;
  /** The request target exactly as sent. */
  readonly target: string;
  /** The target's path, percent-decoded once and checked (see request-path.ts); "*" for OPTIONS *. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly protocol: Protocol;
  /** The head's bytes, blank line included. */
  readonly raw: Buffer;
}

export type HeadResult =
  | { kind: 'incomplete' }
  /** `bodyStart`: offset in the input of the first byte after the head. */
  | { kind: 'ok'; head: RequestHead; bodyStart: number }
  /** `message` explains the problem without quoting the input, for the 400 body and the log. */
  | { kind: 'error'; reason: HeadError; message: string };

const PROTOCOLS: readonly string[] = ['HTTP/1.0', 'HTTP/1.1', 'ICE/1.0'] satisfies Protocol[];

type RequestLine = Pick<RequestHead, 'method' | 'target' | 'path' | 'query' | 'protocol'>;
type HeadFailure = Extract<HeadResult, { kind: 'error' }>;

export function parseRequestHead(buf: Buffer): HeadResult {
  const split = splitHead(buf);
  if (split.kind === 'error') {
    return split.reason === 'too-large'
      ? fail('too-large', `the request head does not fit in ${MAX_HEAD_BYTES} bytes`)
      : fail('too-many-headers', `the request head has more than ${MAX_HEAD_LINES} lines`);
  }
  // Lines already complete are checked even while the head is incomplete, so a non-HTTP client
  // (a TLS ClientHello on the plain port, a port scanner) is turned away without waiting.
  const [first, ...fieldLines] = split.lines;
  if (first === undefined) {
    return split.kind === 'ok' ? fail('bad-request-line', 'the request line is empty') : { kind: 'incomplete' };
  }
  const line = parseRequestLine(first);
  if ('kind' in line) return line;
  const fields = parseFieldLines(fieldLines, 2);
  if (fields.kind === 'error') return fail('bad-header', fields.message);
  if (split.kind === 'incomplete') return { kind: 'incomplete' };
  // RFC 9112 §3.2: a request with more than one Host is answered with 400.
  if ((fields.fields.headers.get('host')?.length ?? 0) > 1) return fail('bad-header', 'more than one Host header');
  const raw = Buffer.from(buf.subarray(0, split.end));
  return { kind: 'ok', head: { ...line, ...fields.fields, raw }, bodyStart: split.end };
}

function parseRequestLine(bytes: Buffer): RequestLine | HeadFailure {
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e) return fail('bad-request-line', 'the request line contains a control or non-ASCII byte');
  }
  const parts = bytes.toString('latin1').split(' ');
  if (parts.length !== 3) return fail('bad-request-line', 'the request line is not "METHOD target PROTOCOL" with single spaces');
  const [name, target, protocol] = parts as [string, string, string];
  if (name === '' || ![...name].every((c) => isTchar(c.charCodeAt(0)))) return fail('bad-method', 'the method is not a token');
  if (!PROTOCOLS.includes(protocol)) return fail('bad-protocol', 'the protocol must be HTTP/1.0, HTTP/1.1 or ICE/1.0');
  const method = name.toUpperCase();
  const common = { method, target, protocol: protocol as Protocol };
  if (target === '*') {
    if (method !== 'OPTIONS') return fail('bad-target', 'the "*" target is only allowed with OPTIONS');
    return { ...common, path: '*', query: new URLSearchParams() };
  }
  // Origin-form only (RFC 9112 §3.2.1): absolute-form would let a request name another host.
  if (!target.startsWith('/')) return fail('bad-target', 'the target must start with "/"');
  if (target.includes('#')) return fail('bad-target', 'the target contains a fragment ("#")');
  const q = target.indexOf('?');
  const path = canonicalPath(q === -1 ? target : target.slice(0, q));
  if (path.kind === 'error') return fail('bad-path', path.message);
  return { ...common, path: path.path, query: new URLSearchParams(q === -1 ? '' : target.slice(q + 1)) };
}

export type FramingError =
  | 'duplicate-content-length'
  | 'bad-content-length'
  | 'content-length-with-transfer-encoding'
  | 'transfer-encoding-in-http-1.0'
  | 'bad-transfer-encoding';

export type BodyFraming =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  /** Icecast's source body: bytes until the connection closes. */
  | { kind: 'stream' }
  | { kind: 'error'; reason: FramingError; message: string };

/** How the request body is delimited (RFC 9112 §6); ambiguous framing is an error, never a guess. */
export function bodyFraming(head: RequestHead): BodyFraming {
  const lengths = head.headers.get('content-length') ?? [];
  const encodings = head.headers.get('transfer-encoding') ?? [];
  if (lengths.length > 1) return framingError('duplicate-content-length', 'more than one Content-Length header');
  if (lengths.length === 1 && encodings.length > 0) {
    return framingError('content-length-with-transfer-encoding', 'both Content-Length and Transfer-Encoding are present');
  }
  if (encodings.length > 0) {
    // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means the framing is faulty.
    if (head.protocol !== 'HTTP/1.1') return framingError('transfer-encoding-in-http-1.0', 'Transfer-Encoding requires HTTP/1.1');
    if (encodings.length > 1 || encodings[0]!.toLowerCase() !== 'chunked') {
      return framingError('bad-transfer-encoding', 'the only supported Transfer-Encoding is "chunked"');
    }
    return { kind: 'chunked' };
  }
  const [length] = lengths;
  if (length !== undefined) {
    // Digits only (no sign, no list, no spaces); 15 digits keeps it a safe integer.
    if (!/^\d{1,15}$/.test(length)) return framingError('bad-content-length', 'Content-Length is not a decimal number');
    return { kind: 'length', length: Number(length) };
  }
  return head.method === 'PUT' || head.method === 'SOURCE' ? { kind: 'stream' } : { kind: 'none' };
}

function fail(reason: HeadError, message: string): HeadFailure {
  return { kind: 'error', reason, message };
}

function framingError(reason: FramingError, message: string): BodyFraming {
  return { kind: 'error', reason, message };
}
