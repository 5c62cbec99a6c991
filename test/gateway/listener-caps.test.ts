// gateway.limits.connectionsPerMinute and streamsPerAddress on the listener ports, with a real
// relay core and ffmpeg behind the gateway: the address over its cap gets the catalogue's 429
// (with Retry-After for the rate), other addresses are not affected, and every refusal is counted.
import test from 'ava';
import { until } from '../helpers/relay.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { liveRelay, MOUNT, STREAM_BYTES } from './listener-auth-kit.ts';
import { player, type Player } from './security-harness.ts';
import { headerOf, Shared, testGateway, type Teardown } from './server-harness.ts';

const shared = new Shared();
let relay: RunningRelay;

test.before(async () => {
  ({ relay } = await liveRelay(shared));
});
test.after.always(() => shared.run());

const gateway = async (t: Teardown, limits: Record<string, unknown>) => (await testGateway(t, relay.port(), { limits })).gw;

function open(t: Teardown, port: number, path: string, from = '127.0.0.1'): Player {
  const p = player(port, path, { from });
  t.teardown(() => p.socket.destroy());
  return p;
}

/** The response head of a request that is answered and closed. */
async function answered(t: Teardown, port: number, path: string, from?: string): Promise<string> {
  const p = open(t, port, path, from);
  await until(() => p.head() !== '' || p.isClosed(), 10000, 'an answer');
  return p.head();
}


test('connections past connectionsPerMinute get 429 with Retry-After; another address does not', async (t) => {
  const gw = await gateway(t, { connectionsPerMinute: 3, streamsPerAddress: null });
  const { listener } = gw.ports();
  for (let i = 0; i < 3; i++) t.regex(await answered(t, listener, `${MOUNT}.m3u`), /^HTTP\/1\.1 200/);
  const refused = await answered(t, listener, `${MOUNT}.m3u`);
  t.regex(refused, /^HTTP\/1\.1 429/);
  // 3 a minute: the next connection is allowed in 20 s.
  const retry = Number(headerOf(refused, 'retry-after'));
  t.true(retry >= 1 && retry <= 20, String(retry));
  t.regex(await answered(t, listener, `${MOUNT}.m3u`, '127.0.0.2'), /^HTTP\/1\.1 200/);
  t.is(gw.security.view().counts['rate-limited'], 1);
  t.is(gw.security.view().recent[0]!.code, 'GW_TOO_MANY_CONNECTIONS');
});

test('a stream past streamsPerAddress gets 429; another address plays; a freed place is taken again', async (t) => {
  const gw = await gateway(t, { connectionsPerMinute: null, streamsPerAddress: 1 });
  const { listener, listenerTls } = gw.ports();
  const first = open(t, listener, MOUNT);
  await until(() => first.received() >= STREAM_BYTES, 15000, 'audio');
  const second = player(listenerTls, MOUNT, { secure: true });
  t.teardown(() => second.socket.destroy());
  await second.closed;
  t.regex(second.head(), /^HTTP\/1\.1 429/);
  t.is(gw.security.view().recent[0]!.code, 'GW_TOO_MANY_STREAMS');
  // A playlist is not a stream.
  t.regex(await answered(t, listener, `${MOUNT}.m3u`), /^HTTP\/1\.1 200/);
  const other = open(t, listener, MOUNT, '127.0.0.2');
  await until(() => other.received() >= STREAM_BYTES, 15000, 'audio from the other address');
  first.socket.destroy();
  await until(() => gw.security.connections.count('127.0.0.1') === 0, 5000, 'the gateway to see it go');
  const third = open(t, listener, MOUNT);
  await until(() => third.received() >= STREAM_BYTES, 15000, 'audio after the place was freed');
  t.is(gw.security.view().counts['rate-limited'], 1);
});
