// Issue: the relay core believed X-Forwarded-For (and the scheme, the link prefix and mount) from
// any peer on loopback, so any local user could claim any listener or source address. The relay
// now believes forwarding fields only from a trusted peer that carries its forward key
// (contracts/forward-key.ts), which `icegate start` hands to it and the gateway alone, and takes
// the key out of the request before any route sees it. A relay without a key believes none.
import test from 'ava';
import { carriesForwardKey, FORWARD_KEY_ENV, FORWARD_KEY_HEADER, newForwardKey, readForwardKey } from '../../contracts/forward-key.ts';
import { configSchema } from '../../config/schema.ts';
import type { Route } from '../../relay/http-app.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { ComponentSpecs } from '../../supervisor/specs.ts';
import { FORWARD_KEY_LINE, SECRETS, TEST_FORWARD_KEY, testRelay, until } from '../helpers/relay.ts';
import { RawClient, openSource } from '../relay/ingest-kit.ts';
import { exchange, Shared, testGateway, type TestGateway } from './server-harness.ts';

const CLAIMED = '203.0.113.9';
const shared = new Shared();
/** What the last request to /echo-headers carried, as the routes see it. */
let seen: { headers: Record<string, unknown>; raw: string[] } | null = null;
const echo: Route = (_ctx, r) => {
  if (r.path !== '/echo-headers') return false;
  seen = { headers: { ...r.req.headers }, raw: [...r.req.rawHeaders] };
  const body = `${r.client.ip} ${r.client.proto}`;
  r.res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) });
  r.res.end(body);
  return true;
};
let relay: RunningRelay;
let bare: RunningRelay;
let gateway: TestGateway;

test.before(async () => {
  relay = await testRelay({}, { routes: [echo] });
  shared.teardown(() => relay.close());
  // `icegate relay` on its own: no key in its environment.
  bare = await testRelay({}, { forwardKey: null, routes: [echo] });
  shared.teardown(() => bare.close());
  gateway = await testGateway(shared, relay.port(), { source: { plainPort: 0 } });
});
test.after.always(() => shared.run());

const WITHOUT = [`X-Forwarded-For: ${CLAIMED}`, 'X-Forwarded-Proto: https'];
const cases: [string, () => RunningRelay, string[], string][] = [
  ['no key', () => relay, WITHOUT, '127.0.0.1'],
  ['a wrong key', () => relay, [...WITHOUT, `X-Icegate-Forward-Key: ${newForwardKey()}`], '127.0.0.1'],
  ['the key with a character changed', () => relay, [...WITHOUT, `X-Icegate-Forward-Key: ${TEST_FORWARD_KEY.slice(0, -1)}X`], '127.0.0.1'],
  ['a prefix of the key', () => relay, [...WITHOUT, `X-Icegate-Forward-Key: ${TEST_FORWARD_KEY.slice(0, 20)}`], '127.0.0.1'],
  ['the right key', () => relay, [...WITHOUT, FORWARD_KEY_LINE], CLAIMED],
  ['a key, to a relay that has none', () => bare, [...WITHOUT, FORWARD_KEY_LINE], '127.0.0.1'],
];

for (const [what, target, lines, expected] of cases) {
  test.serial(`a raw source claiming ${CLAIMED} with ${what}: the relay records ${expected}`, async (t) => {
    const r = target();
    const mount = `/claim-${cases.findIndex((c) => c[0] === what)}`;
    const source = await openSource(r.port(), mount, lines);
    t.teardown(() => source.socket.destroy());
    t.is(r.ctx.registry.get(mount)?.sourceInfo?.ip, expected);
  });

  test.serial(`a raw listener claiming ${CLAIMED} with ${what}: the relay lists ${expected}`, async (t) => {
    const r = target();
    const mount = `/listen-${cases.findIndex((c) => c[0] === what)}`;
    const source = await openSource(r.port(), mount);
    t.teardown(() => source.socket.destroy());
    const listener = new RawClient(r.port(), [`GET ${mount} HTTP/1.1`, 'Host: x', ...lines, '', ''].join('\r\n'));
    t.teardown(() => listener.socket.destroy());
    const m = r.ctx.registry.get(mount)!;
    await until(() => m.listenerCount === 1, 5000, 'the listener');
    t.deepEqual(m.listenerStats().map((l) => l.ip), [expected]);
  });

  test.serial(`a request claiming ${CLAIMED} over https with ${what}: routes see ${expected}, never the key`, async (t) => {
    const r = target();
    const e = await exchange(r.port(), [`GET /echo-headers HTTP/1.1`, 'Host: x', ...lines, 'Connection: close', '', ''].join('\r\n'));
    t.is(e.status, 200);
    t.is(e.body, `${expected} ${expected === CLAIMED ? 'https' : 'http'}`);
    t.false(FORWARD_KEY_HEADER in (seen?.headers ?? {}));
    t.false(seen?.raw.some((v) => v.toLowerCase() === FORWARD_KEY_HEADER || v.includes(TEST_FORWARD_KEY)) ?? true);
  });
}

test.serial("through the gateway: its own statements are believed, a client's key and address are not", async (t) => {
  // A client that somehow learnt the key still cannot use it through the gateway: the field is dropped.
  const source = await openSource(gateway.gw.ports().sourcePlain!, '/live.mp3', [`X-Forwarded-For: ${CLAIMED}`, FORWARD_KEY_LINE]);
  t.teardown(() => source.socket.destroy());
  t.is(relay.ctx.registry.get('/live.mp3')?.sourceInfo?.ip, '127.0.0.1', 'the gateway states the source address itself');
  const claim = `X-Forwarded-For: ${CLAIMED}\r\nX-Forwarded-Proto: http\r\n${FORWARD_KEY_LINE}\r\n`;
  const m3u = await exchange(gateway.gw.ports().listenerTls, `GET /live.mp3.m3u HTTP/1.1\r\nHost: radio.example\r\n${claim}Connection: close\r\n\r\n`, true);
  t.is(m3u.status, 200, m3u.head);
  t.is(m3u.body, 'https://radio.example/live.mp3\r\n', 'the gateway is believed that the listener came over TLS');
});

test.serial('a gateway without the key is not believed', async (t) => {
  const keyless = await testGateway(t, relay.port(), {}, { forwardKey: null });
  const source = await openSource(relay.port(), '/keyless.mp3');
  t.teardown(() => source.socket.destroy());
  const m3u = await exchange(keyless.gw.ports().listenerTls, 'GET /keyless.mp3.m3u HTTP/1.1\r\nHost: radio.example\r\nConnection: close\r\n\r\n', true);
  t.is(m3u.status, 200, m3u.head);
  t.is(m3u.body, 'http://radio.example/keyless.mp3\r\n');
});

test('the supervisor gives its relay and gateway one key per start, in their environment only', (t) => {
  const config = configSchema.parse({});
  const specs = new ComponentSpecs(null, async () => SECRETS);
  const relayEnv = specs.relay(config).envAtSpawn!();
  const gatewayEnv = specs.gateway(config).envAtSpawn!();
  const key = relayEnv[FORWARD_KEY_ENV];
  t.truthy(key);
  t.is(gatewayEnv[FORWARD_KEY_ENV], key);
  t.is(readForwardKey({ [FORWARD_KEY_ENV]: key }), key ?? null);
  t.is(specs.relay(config).envAtSpawn!()[FORWARD_KEY_ENV], key, 'the same key after a restart');
  t.not(new ComponentSpecs(null, async () => SECRETS).relay(config).envAtSpawn!()[FORWARD_KEY_ENV], key, 'another start, another key');
  t.deepEqual(specs.relay(config).env, {}, 'not in the fixed environment');
  const foreign = configSchema.parse({ supervisor: { useRelay: false } });
  t.false(FORWARD_KEY_ENV in specs.gateway(foreign).envAtSpawn!(), 'a gateway in front of another upstream is not given it');
});

test('reading and comparing keys', (t) => {
  const rows: [string | undefined, string | null][] = [
    [undefined, null],
    ['', null],
    ['short', null],
    ['x'.repeat(31), null],
    ['x'.repeat(32), 'x'.repeat(32)],
    ['a key with spaces in it, long enough to pass', null],
    [TEST_FORWARD_KEY, TEST_FORWARD_KEY],
  ];
  for (const [value, expected] of rows) t.is(readForwardKey(value === undefined ? {} : { [FORWARD_KEY_ENV]: value }), expected, String(value));
  t.true(carriesForwardKey(TEST_FORWARD_KEY, TEST_FORWARD_KEY));
  t.true(carriesForwardKey(TEST_FORWARD_KEY, ` ${TEST_FORWARD_KEY} `));
  t.false(carriesForwardKey(TEST_FORWARD_KEY, `${TEST_FORWARD_KEY}, ${TEST_FORWARD_KEY}`), 'two fields joined by Node');
  t.false(carriesForwardKey(TEST_FORWARD_KEY, undefined));
  t.false(carriesForwardKey(null, TEST_FORWARD_KEY));
});

test('a raw connection never gets the key back in an answer', async (t) => {
  const e = await exchange(relay.port(), `GET /nothing.mp3 HTTP/1.1\r\nHost: x\r\n${FORWARD_KEY_LINE}\r\nConnection: close\r\n\r\n`);
  t.is(e.status, 404);
  t.false(e.data.toString('latin1').includes(TEST_FORWARD_KEY));
});
