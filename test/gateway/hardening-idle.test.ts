// Issue: a connection to a TLS port that sent nothing, or half a ClientHello, stayed open forever,
// and connections were counted only at their first request, so one address could hold hundreds
// of idle connections (and the gateway's file descriptors) and still be served. Every phase
// before the first head is timed from accept on every port, and connections are counted and
// capped per address at accept, before TLS.
import test from 'ava';
import tls from 'node:tls';
import type { GatewayPorts } from '../../gateway/start.ts';
import { until } from '../helpers/relay.ts';
import { halfClientHello, idleConnection } from './hardening-kit.ts';
import { exchange, lenientUpstream, testGateway } from './server-harness.ts';

/** Rejects when `closed` takes far longer than the 1 s budget: the connection was never closed. */
function closedOrStuck(closed: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} is still open`)), 20_000)));
  return Promise.race([closed, stuck]).finally(() => clearTimeout(timer));
}

type Opening = 'nothing' | 'half a ClientHello' | 'a handshake, then nothing' | 'half a head';
const PHASES: [keyof GatewayPorts, Opening][] = [
  ['listener', 'nothing'],
  ['listener', 'half a head'],
  ['sourcePlain', 'nothing'],
  ['sourcePlain', 'half a head'],
  ...(['listenerTls', 'source', 'admin'] as const).flatMap((port): [keyof GatewayPorts, Opening][] => [
    [port, 'nothing'],
    [port, 'half a ClientHello'],
    [port, 'a handshake, then nothing'],
    [port, 'half a head'],
  ]),
];

for (const [port, opening] of PHASES) {
  test(`${port}: a connection that sends ${opening} is closed after headerTimeout`, async (t) => {
    const upstream = await lenientUpstream(t);
    const { gw } = await testGateway(t, upstream.port, { limits: { headerTimeout: 1 }, source: { plainPort: 0 } });
    const timeouts: string[] = [];
    gw.events.on('deny', (d) => d.code === 'GW_HEADER_TIMEOUT' && timeouts.push(d.role));
    const target = gw.ports()[port] as number;
    const secure = port === 'listenerTls' || port === 'source' || port === 'admin';
    let closed: Promise<void>;
    if (secure && (opening === 'a handshake, then nothing' || opening === 'half a head')) {
      const socket = tls.connect({ port: target, host: '127.0.0.1', rejectUnauthorized: false });
      t.teardown(() => socket.destroy());
      socket.on('error', () => {});
      socket.on('data', () => {});
      closed = new Promise((resolve) => socket.once('close', () => resolve()));
      await new Promise((resolve) => socket.once('secureConnect', resolve));
      if (opening === 'half a head') socket.write('GET /admin/stats HTTP/1.1\r\nHost: x\r\n');
    } else {
      const bytes = opening === 'half a ClientHello' ? await halfClientHello() : opening === 'half a head' ? 'GET /status-json.xsl HTTP/1.1\r\nHost: x\r\n' : '';
      const conn = idleConnection(target, bytes);
      t.teardown(() => conn.socket.destroy());
      closed = conn.closed;
    }
    await closedOrStuck(closed, `${port} after ${opening}`);
    await until(() => gw.security.connections.count('127.0.0.1') === 0, 5000, 'the gateway to forget the connection');
    t.is(timeouts.length, 1, `one refusal is recorded: ${timeouts.join(',')}`);
  });
}

test('connections are capped per address at accept, idle ones included, on every port together', async (t) => {
  const upstream = await lenientUpstream(t, (c) => c.socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}'));
  const { gw } = await testGateway(t, upstream.port, { limits: { headerTimeout: 120, connectionsPerAddress: 4, connectionsPerMinute: null } });
  const capped: string[] = [];
  gw.events.on('deny', (d) => d.code === 'GW_TOO_MANY_CONNECTIONS' && capped.push(d.role));
  const p = gw.ports();
  const idle = [p.listenerTls, p.listenerTls, p.source, p.admin].map((port) => idleConnection(port));
  t.teardown(() => idle.forEach((c) => c.socket.destroy()));
  await until(() => gw.security.connections.count('127.0.0.1') === 4, 5000, 'four idle connections');
  for (const port of [p.listenerTls, p.listener, p.source, p.admin]) {
    const extra = idleConnection(port);
    t.teardown(() => extra.socket.destroy());
    await closedOrStuck(extra.closed, `a fifth connection to ${port}`);
  }
  t.deepEqual(capped, ['listener', 'listener', 'source', 'admin']);
  // A freed place is taken again.
  idle[0]!.socket.destroy();
  await until(() => gw.security.connections.count('127.0.0.1') === 3, 5000, 'the freed place');
  t.is((await exchange(p.listener, 'GET /status-json.xsl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status, 200);
});

test('connectionsPerMinute counts connections at accept: idle ones use up the rate', async (t) => {
  const upstream = await lenientUpstream(t, (c) => c.socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}'));
  const { gw } = await testGateway(t, upstream.port, { limits: { headerTimeout: 120, connectionsPerMinute: 3 } });
  const p = gw.ports();
  const idle = [p.listenerTls, p.listenerTls, p.listener].map((port) => idleConnection(port));
  t.teardown(() => idle.forEach((c) => c.socket.destroy()));
  await until(() => gw.security.connections.count('127.0.0.1') === 3, 5000, 'three idle connections');
  const next = await exchange(p.listenerTls, 'GET /status-json.xsl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', true);
  t.is(next.status, 429);
  t.is(upstream.connections.length, 0, 'nothing reached the upstream');
});
