import test from 'ava';
import { RELAY_ERRORS, RELAY_ERROR_CODES, isRelayErrorCode, type RelayErrorCode } from '../../stream/errors.ts';
import { REASON_PHRASES, expectsContinue, httpDate, renderError, renderHead, sourceOk } from '../../stream/responses.ts';

const date = new Date(Date.UTC(2026, 10, 20, 22, 22, 23));
const DATE = 'Fri, 20 Nov 2026 22:22:23 GMT';

test('httpDate is the IMF-fixdate Icecast sends', (t) => {
  t.is(httpDate(date), DATE);
  t.is(httpDate(new Date(Date.UTC(1997, 6, 26, 5, 0, 0))), 'Sat, 26 Jul 1997 05:00:00 GMT');
});

test('source 401: Icecast 2.4.4 bytes plus Allow right after WWW-Authenticate', (t) => {
  t.is(
    renderError('RELAY_SOURCE_AUTH', { date }).toString('latin1'),
    'HTTP/1.0 401 Authentication Required\r\n' +
      'Server: Icecast 2.4.4\r\n' +
      'Connection: Close\r\n' +
      `Date: ${DATE}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      'WWW-Authenticate: Basic realm="Icecast2 Server"\r\n' +
      'Allow: GET, PUT, OPTIONS, SOURCE\r\n' +
      'Cache-Control: no-cache, no-store\r\n' +
      'Expires: Mon, 26 Jul 1997 05:00:00 GMT\r\n' +
      'Pragma: no-cache\r\n' +
      'Access-Control-Allow-Origin: *\r\n' +
      '\r\n' +
      'You need to authenticate\r\n',
  );
});

test('404: Icecast 2.4.4 bytes', (t) => {
  t.is(
    renderError('RELAY_NOT_FOUND', { date }).toString('latin1'),
    'HTTP/1.0 404 File Not Found\r\n' +
      'Server: Icecast 2.4.4\r\n' +
      'Connection: Close\r\n' +
      `Date: ${DATE}\r\n` +
      'Content-Type: text/html; charset=utf-8\r\n' +
      'Cache-Control: no-cache, no-store\r\n' +
      'Expires: Mon, 26 Jul 1997 05:00:00 GMT\r\n' +
      'Pragma: no-cache\r\n' +
      'Access-Control-Allow-Origin: *\r\n' +
      '\r\n' +
      '<html><head><title>Error 404</title></head><body><b>404 - The file you requested could not be found</b></body></html>\r\n',
  );
});

const PLAIN = 'text/plain; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
const CHALLENGE = 'WWW-Authenticate: Basic realm="Icecast2 Server"\r\n';
const html = (status: number, message: string) =>
  `<html><head><title>Error ${status}</title></head><body><b>${status} - ${message}</b></body></html>\r\n`;

/** Every code, written out: status line, content type, auth lines, body. A new code must be added here. */
const EXPECTED: Record<RelayErrorCode, [string, string, string, string]> = {
  RELAY_SOURCE_AUTH: ['401 Authentication Required', PLAIN, CHALLENGE + 'Allow: GET, PUT, OPTIONS, SOURCE\r\n', 'You need to authenticate\r\n'],
  RELAY_MOUNT_IN_USE: ['403 Forbidden', PLAIN, '', 'Mountpoint in use'],
  RELAY_TOO_MANY_SOURCES: ['403 Forbidden', PLAIN, '', 'too many sources connected'],
  RELAY_NO_CONTENT_TYPE: ['403 Forbidden', PLAIN, '', 'No Content-type given'],
  RELAY_NOT_FOUND: ['404 File Not Found', HTML, '', html(404, 'The file you requested could not be found')],
  RELAY_MAX_LISTENERS: ['403 Forbidden', PLAIN, '', 'max listeners reached'],
  RELAY_CONNECTION_LIMIT: ['403 Forbidden', PLAIN, '', 'Icecast connection limit reached'],
  RELAY_UNKNOWN_REQUEST: ['400 Bad Request', HTML, '', html(400, 'unknown request')],
  RELAY_ADMIN_AUTH: ['401 Authentication Required', PLAIN, CHALLENGE, 'You need to authenticate\r\n'],
  RELAY_UNRECOGNISED_COMMAND: ['400 Bad Request', HTML, '', html(400, 'Unrecognised command')],
  RELAY_MOUNT_REQUEST_UNKNOWN: ['400 Bad Request', HTML, '', html(400, 'Mount request unknown')],
  RELAY_MISSING_PARAMETER: ['400 Bad Request', HTML, '', html(400, 'Missing parameter')],
  RELAY_SOURCE_DOES_NOT_EXIST: ['400 Bad Request', HTML, '', html(400, 'Source does not exist')],
  RELAY_SOURCE_NOT_AVAILABLE: ['400 Bad Request', HTML, '', html(400, 'Source is not available')],
  RELAY_NO_SUCH_DESTINATION: ['400 Bad Request', HTML, '', html(400, 'No such destination')],
  RELAY_SAME_DESTINATION: ['400 Bad Request', HTML, '', html(400, 'supplied mountpoints are identical')],
  RELAY_DESTINATION_NOT_RUNNING: ['400 Bad Request', HTML, '', html(400, 'Destination not running')],
  RELAY_MISSING_PASS: ['400 Bad Request', HTML, '', html(400, 'missing pass parameter')],
  RELAY_ILLEGAL_METADATA_CALL: ['400 Bad Request', HTML, '', html(400, 'illegal metadata call')],
  RELAY_NO_SUCH_ACTION: ['400 Bad Request', HTML, '', html(400, 'No such action')],
  RELAY_NO_URL_UPDATES: ['400 Bad Request', HTML, '', html(400, 'mountpoint will not accept URL updates')],
  RELAY_INCOMPATIBLE_DESTINATION: ['400 Bad Request', HTML, '', html(400, 'Destination has a different format')],
  RELAY_BAD_SILENCE_REPORT: ['400 Bad Request', PLAIN, '', 'Bad silence report'],
  RELAY_MOUNT_RESERVED: ['403 Forbidden', PLAIN, '', 'Mountpoint name is reserved'],
  RELAY_BAD_REQUEST: ['400 Bad Request', PLAIN, '', 'Bad request'],
  RELAY_HEADER_TIMEOUT: ['408 Request Timeout', PLAIN, '', 'Request header timeout'],
  RELAY_REQUEST_TOO_LARGE: ['431 Request Header Fields Too Large', PLAIN, '', 'Request header too large'],
  RELAY_INTERNAL: ['500 Internal Server Error', PLAIN, '', '500 - Internal Server Error\n---------------------------\n'],
};

const rendersExactly = test.macro({
  exec(t, code: RelayErrorCode) {
    const [statusLine, contentType, auth, body] = EXPECTED[code];
    t.is(
      renderError(code, { date }).toString('utf8'),
      `HTTP/1.0 ${statusLine}\r\nServer: Icecast 2.4.4\r\nConnection: Close\r\nDate: ${DATE}\r\nContent-Type: ${contentType}\r\n` +
        `${auth}Cache-Control: no-cache, no-store\r\nExpires: Mon, 26 Jul 1997 05:00:00 GMT\r\nPragma: no-cache\r\n` +
        `Access-Control-Allow-Origin: *\r\n\r\n${body}`,
    );
    const status: number = RELAY_ERRORS[code].status;
    t.is(status, Number(statusLine.slice(0, 3)));
  },
  title: (_, code: RelayErrorCode) => `${code} renders its exact bytes`,
});

for (const code of RELAY_ERROR_CODES) test(rendersExactly, code);

test('the catalogue and the expectations list the same codes', (t) => {
  t.deepEqual(Object.keys(EXPECTED).sort(), [...RELAY_ERROR_CODES].sort());
  for (const code of RELAY_ERROR_CODES) {
    t.regex(code, /^RELAY_[A-Z_]+$/);
    t.truthy(REASON_PHRASES[RELAY_ERRORS[code].status], code);
    t.true(RELAY_ERRORS[code].when.length > 10, code);
  }
  t.true(isRelayErrorCode('RELAY_NOT_FOUND'));
  t.false(isRelayErrorCode('RELAY_NOPE'));
  t.false(isRelayErrorCode('toString'));
});

test('a detail is appended to the relay\'s own errors, on one line and bounded', (t) => {
  const body = (code: RelayErrorCode, detail: string) => renderError(code, { date, detail }).toString('utf8').split('\r\n\r\n')[1];
  t.is(body('RELAY_BAD_REQUEST', 'the target must start with "/"'), 'Bad request: the target must start with "/"');
  t.is(body('RELAY_BAD_REQUEST', 'a\r\nInjected: yes'), 'Bad request: a  Injected: yes');
  t.is(body('RELAY_BAD_REQUEST', 'x'.repeat(500)), `Bad request: ${'x'.repeat(200)}`);
  t.is(body('RELAY_REQUEST_TOO_LARGE', 'more than 32 lines'), 'Request header too large: more than 32 lines');
  t.is(body('RELAY_INTERNAL', 'oops'), '500 - Internal Server Error\n---------------------------\noops');
  t.is(body('RELAY_MOUNT_IN_USE', 'ignored'), 'Mountpoint in use');
});

test('extra headers go after the common ones, in order', (t) => {
  const text = renderError('RELAY_MAX_LISTENERS', { date, extraHeaders: [['X-Error-Id', 'ab12'], ['Retry-After', '5']] }).toString();
  t.true(text.includes('Access-Control-Allow-Origin: *\r\nX-Error-Id: ab12\r\nRetry-After: 5\r\n\r\nmax listeners reached'));
});

test('header injection through extra headers or lines throws', (t) => {
  t.throws(() => renderError('RELAY_NOT_FOUND', { extraHeaders: [['X', 'a\r\nSet-Cookie: x']] }));
  t.throws(() => renderError('RELAY_NOT_FOUND', { extraHeaders: [['X Y', 'a']] }));
  t.throws(() => renderHead({ status: 200, contentType: 'audio/mpeg', lines: ['icy-name:a\nb'] }));
});

test('renderHead lays out a listener response like Icecast', (t) => {
  t.is(
    renderHead({ status: 200, contentType: 'audio/mpeg', date, lines: ['icy-br:128', 'icy-name:Test Radio', 'icy-metaint:16000'] }).toString(),
    `HTTP/1.0 200 OK\r\nServer: Icecast 2.4.4\r\nConnection: Close\r\nDate: ${DATE}\r\nContent-Type: audio/mpeg\r\n` +
      'Cache-Control: no-cache, no-store\r\nExpires: Mon, 26 Jul 1997 05:00:00 GMT\r\nPragma: no-cache\r\n' +
      'Access-Control-Allow-Origin: *\r\nicy-br:128\r\nicy-name:Test Radio\r\nicy-metaint:16000\r\n\r\n',
  );
});

test('sourceOk is a bare 200, after a 100 Continue when asked', (t) => {
  t.is(sourceOk(false).toString(), 'HTTP/1.0 200 OK\r\n\r\n');
  t.is(sourceOk(true).toString(), 'HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\nHTTP/1.0 200 OK\r\n\r\n');
});

const expects = test.macro((t, value: string | undefined, expected: boolean) => t.is(expectsContinue(value), expected));
test('Expect: 100-continue', expects, '100-continue', true);
test('Expect: 100-Continue', expects, '100-Continue', true);
test('Expect inside a list', expects, 'foo, 100-continue', true);
test('no Expect', expects, undefined, false);
test('other Expect', expects, 'something', false);
