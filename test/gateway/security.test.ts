// The gateway's security state and the operator's bans, end to end: a real relay core with an
// ffmpeg source behind the gateway, players on loopback addresses (127.0.0.2 is another client
// as far as the gateway can tell). A ban closes every connection of its address on every port,
// refuses new ones at connect, and leaves other addresses playing; caps and blocks are counted.
import test from 'ava';
import { SECRETS, until } from '../helpers/relay.ts';
import { liveRelay, MOUNT, STREAM_BYTES } from './listener-auth-kit.ts';
import { idle, player, type Player } from './security-harness.ts';
import { exchange, headerOf, lenientUpstream, Shared, testGateway, type Teardown } from './server-harness.ts';
import type { RunningRelay } from '../../relay/start.ts';

const shared = new Shared();
let relay: RunningRelay;

test.before(async () => {
  ({ relay } = await liveRelay(shared));
});
test.after.always(() => shared.run());

/** Each test has its own gateway: a ban of 127.0.0.1 must not reach another test's players. */
const gateway = async (t: Teardown, config: Record<string, unknown> = {}) => (await testGateway(t, relay.port(), config)).gw;

const playing = (p: Player, more = STREAM_BYTES): Promise<void> => {
  const target = p.received() + more;
  return until(() => p.received() >= target, 15000, 'audio');
};

const tracked = (t: Teardown, ...players: Player[]): Player[] => {
  t.teardown(() => players.forEach((p) => p.socket.destroy()));
  return players;
};

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('an operator ban closes every connection of the address on every port, refuses new ones, and spares other addresses', async (t) => {
  const gw = await gateway(t);
  const ports = gw.ports();
  const [plain, secure, other] = tracked(t, player(ports.listener, MOUNT), player(ports.listenerTls, MOUNT, { secure: true }), player(ports.listener, MOUNT, { from: '127.0.0.2' }));
  const [admin, source] = tracked(t, idle(ports.admin, { secure: true }), idle(ports.source, { secure: true }));
  await Promise.all([plain, secure, other].map((p) => playing(p!)));
  t.is(gw.security.connections.count('127.0.0.1'), 4);

  const before = Date.now();
  await gw.security.ban('127.0.0.1', 60, 'testing');
  await Promise.all([plain, secure, admin, source].map((p) => p!.closed));
  await playing(other!);
  t.false(other!.isClosed());

  const again = tracked(t, player(ports.listener, MOUNT), player(ports.listenerTls, MOUNT, { secure: true }))!;
  await Promise.all(again.map((p) => p.closed));
  t.deepEqual(again.map((p) => p.received()), [0, 0], 'refused at connect: not even a TLS handshake');

  const view = gw.security.view();
  t.is(view.bans.length, 1);
  t.is(view.bans[0]!.ip, '127.0.0.1');
  t.is(view.bans[0]!.reason, 'operator');
  const until = Date.parse(view.bans[0]!.until!);
  t.true(until >= before + 59_000 && until <= Date.now() + 60_000);
  t.is(view.counts.banned, 2);
  t.deepEqual(view.recent.slice(0, 2).map((e) => [e.code, e.reason, e.ip]), [
    ['GW_BANNED', 'banned', '127.0.0.1'],
    ['GW_BANNED', 'banned', '127.0.0.1'],
  ]);

  t.true(await gw.security.unban('127.0.0.1'));
  t.false(await gw.security.unban('127.0.0.1'));
  t.deepEqual(gw.security.view().bans, []);
  const back = tracked(t, player(ports.listener, MOUNT))[0]!;
  await playing(back);
});

const badBans: [string, number | null][] = [
  ['localhost', 60],
  ['127.0.0.1/24', 60],
  ['', 60],
  ['127.0.0.1', 0],
  ['127.0.0.1', 1.5],
  ['127.0.0.1', -1],
];

for (const [ip, seconds] of badBans) {
  test(`ban(${JSON.stringify(ip)}, ${seconds}) is refused and changes nothing`, async (t) => {
    const gw = await gateway(t);
    await t.throwsAsync(gw.security.ban(ip, seconds, 'x'), { instanceOf: RangeError });
    t.deepEqual(gw.security.view().bans, []);
  });
}

test('a ban without an end lasts until unbanned; an IPv6 ban covers its /64', async (t) => {
  const gw = await gateway(t);
  await gw.security.ban('2001:db8:1:2::7', null, 'x');
  t.deepEqual(gw.security.view().bans, [{ ip: '2001:db8:1:2::/64', until: null, reason: 'operator' }]);
  t.true(await gw.security.unban('2001:db8:1:2:ffff::1'));
});

for (const closeOnBan of [true, false]) {
  test(`a credential block ${closeOnBan ? 'closes' : 'leaves'} the address's streams with closeOnBan: ${closeOnBan}; unban lifts the block`, async (t) => {
    const gw = await gateway(t, { rateLimit: { consecutiveFailures: 2, closeOnBan } });
    const ports = gw.ports();
    const [mine, other] = tracked(t, player(ports.listener, MOUNT), player(ports.listener, MOUNT, { from: '127.0.0.2' }));
    await Promise.all([playing(mine!), playing(other!)]);
    const stats = (password: string): string => `GET /admin/stats HTTP/1.1\r\nHost: h\r\nAuthorization: ${basic('admin', password)}\r\n\r\n`;
    for (let i = 0; i < 2; i++) t.is((await exchange(ports.admin, stats(`guess-${i}`), true)).status, 401);
    await until(() => gw.security.view().bans.length === 1, 15000, 'the block');
    const [ban] = gw.security.view().bans;
    t.is(ban!.ip, '127.0.0.1');
    t.is(ban!.reason, 'rate-limited');
    t.true(Date.parse(ban!.until!) > Date.now() + 3500_000);
    if (closeOnBan) await mine!.closed;
    else await playing(mine!);
    await playing(other!);
    t.is((await exchange(ports.admin, stats(SECRETS.adminPassword), true)).status, 429);

    t.true(await gw.security.unban('127.0.0.1'));
    t.deepEqual(gw.security.view().bans, []);
    t.is((await exchange(ports.admin, stats(SECRETS.adminPassword), true)).status, 200);
  });
}

test('refusals are counted by reason, newest first, and the certificate is shown', async (t) => {
  const gw = await gateway(t);
  const { listener, admin } = gw.ports();
  const requests: [number, string, boolean, number][] = [
    [listener, 'PUT /live.mp3 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n', false, 405],
    [listener, 'GET /admin/stats HTTP/1.1\r\nHost: h\r\n\r\n', false, 403],
    [listener, 'GET /%2e%2e/etc/passwd HTTP/1.1\r\nHost: h\r\n\r\n', false, 400],
    [admin, `GET /admin/stats HTTP/1.1\r\nHost: h\r\nAuthorization: ${basic('admin', 'guess')}\r\n\r\n`, true, 401],
  ];
  for (const [port, request, secure, status] of requests) t.is((await exchange(port, request, secure)).status, status, request);
  await until(() => gw.security.view().counts['bad-credentials'] === 1, 5000, 'the upstream\'s 401 to be counted');
  const view = gw.security.view();
  t.deepEqual(view.counts, { 'blocked-method': 1, 'admin-path': 1, 'bad-credentials': 1, 'rate-limited': 0, banned: 0, 'bad-request': 1, other: 0 });
  t.deepEqual(
    view.recent.map((e) => [e.role, e.reason, e.code, e.ip]),
    [
      ['admin', 'bad-credentials', 'GW_AUTH_FAILED', '127.0.0.1'],
      ['listener', 'bad-request', 'GW_BAD_TARGET', '127.0.0.1'],
      ['listener', 'admin-path', 'GW_WRONG_PORT', '127.0.0.1'],
      ['listener', 'blocked-method', 'GW_METHOD_NOT_ALLOWED', '127.0.0.1'],
    ],
  );
  t.false(JSON.stringify(view).includes('guess'));
  t.true(view.certificate!.selfSigned);
  t.regex(view.certificate!.subject, /CN=/);
  t.true(view.certificate!.daysLeft > 300);
  t.is(view.certificate!.notAfter, new Date(view.certificate!.notAfter).toISOString());
});

test('with anonymizeIps the view shows listeners cut to /24 and sources whole', async (t) => {
  const gw = await gateway(t, { privacy: { anonymizeIps: true } });
  const { listener, source } = gw.ports();
  t.is((await exchange(listener, 'PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n')).status, 405);
  t.is((await exchange(source, 'GET /admin/stats HTTP/1.1\r\nHost: h\r\n\r\n', true)).status, 403);
  t.deepEqual(gw.security.view().recent.map((e) => [e.role, e.ip]), [
    ['source', '127.0.0.1'],
    ['listener', '127.0.0.0'],
  ]);
});

for (const anonymizeIps of [true, false]) {
  test(`the upstream is told a listener's address ${anonymizeIps ? 'cut to its /24' : 'whole'} with anonymizeIps: ${anonymizeIps}`, async (t) => {
    const upstream = await lenientUpstream(t, (conn) => {
      void conn.until((d) => d.includes('\r\n\r\n')).then(() => conn.socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    });
    const { gw } = await testGateway(t, upstream.port, { privacy: { anonymizeIps } });
    const p = tracked(t, player(gw.ports().listener, `${MOUNT}.m3u`, { from: '127.0.0.2' }))[0]!;
    const head = (await (await upstream.next()).until((d) => d.includes('\r\n\r\n'))).toString('latin1');
    await until(() => p.head().startsWith('HTTP/1.1 200'), 5000, 'the answer');
    t.is(headerOf(head, 'x-forwarded-for'), anonymizeIps ? '127.0.0.0' : '127.0.0.2');
  });
}
