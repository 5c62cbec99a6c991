// The gateway's log lines as fail2ban reads them: the shipped filter (docs/fail2ban/icegate.conf)
// is applied the way fail2ban applies it (the time stamp matched by `datepattern` is cut out,
// <HOST> becomes fail2ban's address pattern) to the lines a real gateway writes in front of a
// real relay core. Guessed source and admin passwords and the block that follows are found, with
// the right address; probes, refusals of other kinds and the gateway's other lines are not.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { logEvents, logLine, logValue, type Level } from '../../gateway/log-events.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { exchange, strictLimiter, testGateway } from './server-harness.ts';

const filter = await readFile(new URL('../../docs/fail2ban/icegate.conf', import.meta.url), 'utf8');
const setting = (name: string): string => new RegExp(`^${name}\\s*=\\s*(.*)$`, 'm').exec(filter)![1]!.trim();

/** fail2ban's <HOST> (filter.d common definitions, usedns=no), in JavaScript's group syntax. */
const HOST = String.raw`(?:(?:::f{4,6}:)?(?<ip4>(?:\d{1,3}\.){3}\d{1,3})|\[?(?<ip6>(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):))\]?)`;
const failregex = new RegExp(setting('failregex').replace('<HOST>', HOST));
const datepattern = new RegExp(
  setting('datepattern')
    .replace(/%%Y/g, String.raw`\d{4}`)
    .replace(/%%[mdHMS]/g, String.raw`\d{2}`)
    .replace(/%%f/g, String.raw`\d{1,6}`),
);

/** The address fail2ban would ban for `line`, or null. */
function banned(line: string): string | null {
  const date = datepattern.exec(line);
  if (!date) return null;
  const rest = line.slice(0, date.index) + line.slice(date.index + date[0].length);
  const m = failregex.exec(rest);
  return m ? (m.groups!.ip4 ?? m.groups!.ip6 ?? null) : null;
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('the filter finds guessed passwords and the block in the lines a gateway writes, and nothing else', async (t) => {
  const relay = await testRelay({}, { log: () => {} });
  t.teardown(() => relay.close());
  const { gw } = await testGateway(t, relay.port(), {}, { limiter: strictLimiter(2) });
  const lines: { level: Level; line: string }[] = [];
  logEvents(gw.events, (level, line) => lines.push({ level, line }), { anonymizeIps: false });
  const { source, admin, listener } = gw.ports();
  const put = (password: string): string => `PUT /live.mp3 HTTP/1.1\r\nHost: h\r\nAuthorization: ${basic('source', password)}\r\nContent-Length: 0\r\n\r\n`;

  // Benign: libshout's unauthenticated probe, a wrong port, an unknown path.
  t.is((await exchange(source, 'SOURCE /live.mp3 HTTP/1.0\r\nContent-Length: 0\r\n\r\n', true)).status, 401);
  t.is((await exchange(listener, 'GET /admin/stats HTTP/1.1\r\nHost: h\r\n\r\n')).status, 403);
  t.is((await exchange(listener, 'PUT /live.mp3 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n')).status, 405);
  const benign = lines.length;
  t.true(benign >= 2);

  // Guessing: a wrong admin password, wrong source passwords until blocked, then blocked.
  t.is((await exchange(admin, `GET /admin/stats HTTP/1.1\r\nHost: h\r\nAuthorization: ${basic('admin', 'guess')}\r\n\r\n`, true)).status, 401);
  t.is((await exchange(source, put('guess-1'), true)).status, 401);
  t.is((await exchange(source, put('guess-2'), true)).status, 401);
  await until(() => lines.some((l) => l.line.includes('event=ban')), 5000, 'the block');
  t.is((await exchange(source, put(SECRETS.sourcePassword), true)).status, 429);
  await until(() => lines.some((l) => l.line.includes('code=GW_RATE_LIMITED')), 5000, 'the refusal');

  const all = lines.map((l) => l.line);
  t.deepEqual(all.slice(0, benign).map(banned), all.slice(0, benign).map(() => null), all.slice(0, benign).join('\n'));
  const found = all.filter((l) => banned(l) !== null);
  t.deepEqual(
    found.map((l) => [banned(l), /code=(\S+)/.exec(l)?.[1], /role=(\S+)/.exec(l)?.[1]]),
    [
      ['127.0.0.1', 'GW_AUTH_FAILED', 'admin'],
      ['127.0.0.1', 'GW_AUTH_FAILED', 'source'],
      ['127.0.0.1', 'GW_AUTH_FAILED', 'source'],
      ['127.0.0.1', 'GW_RATE_LIMITED', 'source'],
    ],
    all.join('\n'),
  );
  // The block itself is a line of its own, not a match (it would count the same guesses twice).
  t.regex(all.find((l) => l.includes('event=ban'))!, /^time=\S+Z level=warn event=ban role=source ip=127\.0\.0\.1 reason=rate-limited until=\S+Z closed=0$/);
  for (const line of all) {
    t.regex(line, /^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(?:info|warn|error) event=\S+ role=(?:source|listener|admin|-) ip=\S+( |$)/);
    t.false(line.includes('guess'), 'no password in a line');
  }
});

const matches: [string, string, string | null][] = [
  ['a wrong listener password', logLine(new Date(0), 'info', 'deny', 'listener', '203.0.113.7', { code: 'GW_AUTH_FAILED', reason: 'wrong password', ref: 'ab12cd34' }), '203.0.113.7'],
  ['a forged stream link over IPv6', logLine(new Date(0), 'info', 'deny', 'listener', '2001:db8::7', { code: 'GW_TOKEN_INVALID', reason: 'x', ref: 'ab12cd34' }), '2001:db8::7'],
  ['a banned address coming back', logLine(new Date(0), 'info', 'deny', 'source', '198.51.100.2', { code: 'GW_BANNED', reason: 'the address is banned', ref: 'ab12cd34' }), '198.51.100.2'],
  ['an expired stream link', logLine(new Date(0), 'info', 'deny', 'listener', '203.0.113.7', { code: 'GW_TOKEN_EXPIRED', reason: 'x', ref: 'ab12cd34' }), null],
  ['a code that only starts like a counted one', logLine(new Date(0), 'info', 'deny', 'listener', '203.0.113.7', { code: 'GW_AUTH_FAILED_X', reason: 'x' }), null],
  ['an upstream failure', logLine(new Date(0), 'warn', 'upstream-error', 'listener', '203.0.113.7', { message: 'code=GW_AUTH_FAILED' }), null],
  ['a reason imitating a counted line', logLine(new Date(0), 'info', 'deny', 'listener', '203.0.113.7', { code: 'GW_NOT_FOUND', reason: 'x event=deny role=source ip=192.0.2.1 code=GW_AUTH_FAILED' }), null],
  ['an edge message', logLine(new Date(0), 'info', 'edge', null, null, { message: '/live.mp3: connected' }), null],
];

for (const [what, line, ip] of matches) {
  test(`the filter ${ip === null ? 'ignores' : 'bans the address of'} ${what}`, (t) => {
    t.is(banned(line), ip, line);
  });
}

test('values with spaces, quotes or line breaks are written as one JSON string', (t) => {
  t.is(logValue('plain-1.2:3/4'), 'plain-1.2:3/4');
  t.is(logValue('two words'), '"two words"');
  t.is(logValue('a\nb="c"'), '"a\\nb=\\"c\\""');
  t.is(logValue(''), '-');
  t.is(logValue(null), '-');
});

test('with anonymizeIps listener addresses are cut in the log, sources stay whole', async (t) => {
  const { EventEmitter } = await import('node:events');
  const events = new EventEmitter() as Parameters<typeof logEvents>[0];
  const lines: string[] = [];
  logEvents(events, (_level, line) => lines.push(line), { anonymizeIps: true, now: () => new Date(0) });
  events.emit('deny', { role: 'listener', ip: '203.0.113.7', code: 'GW_AUTH_FAILED', reason: 'r', id: 'ab12cd34' });
  events.emit('deny', { role: 'source', ip: '203.0.113.7', code: 'GW_AUTH_FAILED', reason: 'r', id: 'ab12cd34' });
  events.emit('ban', { ip: '2001:db8:1:2::/64', role: 'listener', reason: 'rate-limited', until: null, closed: 0 });
  t.deepEqual(
    lines.map((l) => /ip=(\S+)/.exec(l)?.[1]),
    ['203.0.113.0', '203.0.113.7', '2001:db8:1::/48'],
  );
});
