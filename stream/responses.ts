// Response bytes in Icecast 2.4.4's layout (docs/icecast-compatibility.md#error-replies and #listener-response-head): always
// HTTP/1.0 with Connection: Close, the no-cache trio and CORS, no Content-Length on errors, and
// Icecast's own reason phrases. Clients and tools compare these bytes, so they are built here
// only, from constants.
import { RELAY_ERRORS, type RelayErrorCode, type RelayErrorEntry } from './errors.ts';
import { isSafeHeaderValue } from './header-lines.ts';

/** Sent as Server:. Kept identical to Icecast's so byte-level comparisons stay simple. */
export const SERVER_NAME = 'Icecast 2.4.4';
export const AUTH_REALM = 'Icecast2 Server';
/** What a source 401 advertises: libshout switches from SOURCE to PUT when it sees PUT here. */
export const SOURCE_ALLOW = 'GET, PUT, OPTIONS, SOURCE';

/** Icecast's phrases; 401 and 404 are non-standard and kept that way. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Authentication Required',
  403: 'Forbidden',
  404: 'File Not Found',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

const MAX_DETAIL_CHARS = 200;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** RFC 9110 §5.6.7 IMF-fixdate, e.g. "Fri, 20 Nov 2026 22:22:23 GMT". */
export function httpDate(date: Date): string {
  return date.toUTCString();
}

export interface HeadOptions {
  status: number;
  contentType: string;
  date?: Date;
  /** Lines placed right after Content-Type, where Icecast puts WWW-Authenticate. */
  authLines?: readonly string[];
  /** Lines after the common headers (listener icy-* lines, per-mount headers), as rendered. */
  lines?: readonly string[];
}

/**
 * The head of any relay response, ending with the blank line. Lines are given without their
 * CRLF; one containing a control character is a programming error and throws.
 */
export function renderHead(options: HeadOptions): Buffer {
  const { status, contentType, date = new Date(), authLines = [], lines = [] } = options;
  const all = [
    `HTTP/1.0 ${status} ${REASON_PHRASES[status] ?? 'Unknown'}`,
    `Server: ${SERVER_NAME}`,
    'Connection: Close',
    `Date: ${httpDate(date)}`,
    `Content-Type: ${contentType}`,
    ...authLines,
    'Cache-Control: no-cache, no-store',
    'Expires: Mon, 26 Jul 1997 05:00:00 GMT',
    'Pragma: no-cache',
    'Access-Control-Allow-Origin: *',
    ...lines,
  ];
  for (const line of all) {
    if (!isSafeHeaderValue(line)) throw new Error('response header line contains a control character');
  }
  return Buffer.from(`${all.join('\r\n')}\r\n\r\n`, 'utf8');
}

export interface ErrorOptions {
  /** Appended to the body of the relay's own errors (see errors.ts); ignored for Icecast's. */
  detail?: string;
  date?: Date;
  extraHeaders?: readonly (readonly [string, string])[];
}

/** A complete error response: head and body. The caller closes the connection after it. */
export function renderError(code: RelayErrorCode, options: ErrorOptions = {}): Buffer {
  const entry: RelayErrorEntry = RELAY_ERRORS[code];
  const authLines: string[] = [];
  if (entry.challenge !== undefined) authLines.push(`WWW-Authenticate: Basic realm="${AUTH_REALM}"`);
  if (entry.challenge === 'source') authLines.push(`Allow: ${SOURCE_ALLOW}`);
  const head = renderHead({
    status: entry.status,
    contentType: entry.body === 'html' ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
    date: options.date,
    authLines,
    lines: (options.extraHeaders ?? []).map(([name, value]) => {
      if (!TOKEN.test(name)) throw new Error('response header name is not a token');
      return `${name}: ${value}`;
    }),
  });
  return Buffer.concat([head, Buffer.from(errorBody(entry, options.detail), 'utf8')]);
}

function errorBody(entry: RelayErrorEntry, detail: string | undefined): string {
  if (entry.body === 'html') {
    const s = entry.status;
    return `<html><head><title>Error ${s}</title></head><body><b>${s} - ${entry.message}</b></body></html>\r\n`;
  }
  if (entry.detailSeparator === undefined || detail === undefined || detail === '') return entry.message;
  // The detail may come from parsing hostile input: one line, bounded.
  const clean = detail.replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, MAX_DETAIL_CHARS);
  return `${entry.message}${entry.detailSeparator}${clean}`;
}

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n', 'latin1');
const SOURCE_OK = Buffer.from('HTTP/1.0 200 OK\r\n\r\n', 'latin1');

/**
 * What a source gets once accepted: Icecast 2.4.4 answers at once with a bare 200 (no headers),
 * preceded by a 100 Continue when the request had `Expect: 100-continue` (docs/icecast-compatibility.md#100-continue-and-the-success-reply).
 */
export function sourceOk(expectContinue: boolean): Buffer {
  return expectContinue ? Buffer.concat([CONTINUE, SOURCE_OK]) : Buffer.from(SOURCE_OK);
}

/** Icecast's test for Expect: a case-insensitive substring match on "100-continue". */
export function expectsContinue(expect: string | undefined): boolean {
  return expect !== undefined && expect.toLowerCase().includes('100-continue');
}
