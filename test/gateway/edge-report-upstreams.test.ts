// The reporting gateway in front of upstreams that have no edge channel, and the edge's answers
// when its upstream is down or lacks the mount: a plain HTTP mount server (and a real icecast2
// when installed) still serve every listener, the channel is tried once and given up with one log
// line; an upstream refusing connections is a 502, a mount it does not have a 404.
import test from 'ava';
import net from 'node:net';
import { decode, startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { ICECAST2, ICECAST2_PASSWORDS, startIcecast2 } from '../helpers/icecast2.ts';
import { until } from '../helpers/relay.ts';
import { mp3 } from '../relay/ingest-kit.ts';
import { StreamClient } from './edge-harness.ts';
import { relayWithSources, reportingGateway } from './edge-report-kit.ts';
import { exchange, type Teardown } from './server-harness.ts';
import { testRelay } from '../helpers/relay.ts';
import { SECRETS } from '../helpers/relay.ts';

/** An HTTP server that streams one MP3 mount in real time and answers 404 to anything else, the channel included. */
async function plainMountServer(t: Teardown, mount: string): Promise<{ port: number; requests: string[] }> {
  const audio = await mp3(20);
  const requests: string[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (d: Buffer) => {
      const line = d.toString('latin1').split('\r\n')[0] ?? '';
      requests.push(line);
      if (!line.startsWith(`GET ${mount} `)) return void socket.end('HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      socket.write('HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\nicy-name: Plain\r\n\r\n');
      let at = 0;
      // 16 KiB/s: real time for 128 kbit/s.
      const timer = setInterval(() => {
        socket.write(audio.subarray(at % audio.length, (at % audio.length) + 1600));
        at += 1600;
      }, 100);
      socket.once('close', () => clearInterval(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => (sockets.add(s), s.once('close', () => sockets.delete(s))));
  t.teardown(() => sockets.forEach((s) => s.destroy()));
  return { port: (server.address() as net.AddressInfo).port, requests };
}

test('in front of a server without the channel the edge serves, tries the channel once and says so once', async (t) => {
  const upstream = await plainMountServer(t, '/plain.mp3');
  const gw = await reportingGateway(t, upstream.port);
  const logs: string[] = [];
  gw.events.on('edge', (e) => logs.push(e.message));
  const clients = [0, 1].map(() => new StreamClient(gw.ports().listener, '/plain.mp3'));
  t.teardown(() => clients.forEach((c) => c.socket.destroy()));
  const bodies = await Promise.all(clients.map((c) => c.bodyOf(24 * 1024)));
  await until(() => gw.channel.state() === 'off', 5000, 'the channel to be given up');
  for (const body of bodies) {
    const decoded = await decode(body, 'mp3');
    t.true(decoded.ok, decoded.errors);
  }
  t.is(upstream.requests.filter((r) => r.startsWith('GET /admin/edge/commands')).length, 1, upstream.requests.join('\n'));
  t.is(upstream.requests.filter((r) => r.startsWith('GET /plain.mp3')).length, 1, 'one pull');
  t.is(logs.filter((l) => /no edge channel/.test(l)).length, 1, logs.join('\n'));
});

test('an upstream that refuses connections is a 502; a mount the upstream lacks is a 404', async (t) => {
  // A port that was just free: nothing listens there.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const dead = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const down = await reportingGateway(t, dead);
  const started = Date.now();
  const reply = await new StreamClient(down.ports().listener, '/any.mp3').untilClosed(5000);
  t.regex(reply, /^HTTP\/1\.1 502 /, reply);
  t.regex(reply, /GW_UPSTREAM_UNAVAILABLE/);
  t.true(Date.now() - started < 3000, 'answered at once, not after the hold');
  t.deepEqual(down.edge.stats().mounts, [], 'nothing is left pulling');

  const relay = await relayWithSources(t, { '/there.mp3': 440 });
  const up = await reportingGateway(t, relay.port());
  const missing = await new StreamClient(up.ports().listener, '/not-there.mp3').untilClosed(5000);
  t.regex(missing, /^HTTP\/1\.0 404 /, missing);
  const there = new StreamClient(up.ports().listener, '/there.mp3');
  t.teardown(() => there.socket.destroy());
  t.regex(await there.head(), /^HTTP\/1\.0 200 /);
});

test('the channel is never reachable through the listener ports, whatever the spelling or credentials', async (t) => {
  const relay = await testRelay({}, { log: () => {} });
  t.teardown(() => relay.close());
  const gw = await reportingGateway(t, relay.port(), { upstreamAuth: null });
  const auth = `Authorization: Basic ${Buffer.from(`relay:${SECRETS.relayPassword}`).toString('base64')}`;
  const body = JSON.stringify({ full: true, added: [], removed: [], updated: [] });
  const requests = [
    `GET /admin/edge/commands?gateway=x HTTP/1.1\r\nHost: a\r\n${auth}\r\n\r\n`,
    `GET /Admin/Edge/commands?gateway=x HTTP/1.1\r\nHost: a\r\n${auth}\r\n\r\n`,
    `GET /%61dmin/edge/commands?gateway=x HTTP/1.1\r\nHost: a\r\n${auth}\r\n\r\n`,
    `POST /admin/edge/report?gateway=x HTTP/1.1\r\nHost: a\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  ];
  for (const secure of [false, true]) {
    const port = secure ? gw.ports().listenerTls : gw.ports().listener;
    for (const request of requests) {
      const r = await exchange(port, request, secure);
      t.true(r.status === 403 || r.status === 405, `${request.split('\r\n')[0]}: ${r.head}`);
    }
  }
  t.deepEqual(relay.edge.channels(), [], 'nothing reached the relay');
});

if (!ICECAST2) {
  test.skip('in front of icecast2 — skipped: install the Debian package icecast2', () => {});
} else {
  test('in front of icecast2 the edge serves and gives the channel up once', async (t) => {
    const ice = await startIcecast2();
    t.teardown(() => ice.stop());
    const source = startSource({ port: ice.port, mount: '/ice.mp3', codec: 'mp3', password: ICECAST2_PASSWORDS.source });
    t.teardown(() => stopProcess(source));
    const gw = await reportingGateway(t, ice.port, { upstreamAuth: { username: 'relay', password: ICECAST2_PASSWORDS.relay } });
    const logs: string[] = [];
    gw.events.on('edge', (e) => logs.push(e.message));
    await until(() => gw.channel.state() === 'off', 10000, 'the channel to be given up');
    // icecast2 takes a moment to list a new source; the edge retries until it streams.
    let body: Buffer = Buffer.alloc(0);
    for (let attempt = 0; attempt < 20 && body.length === 0; attempt++) {
      const client = new StreamClient(gw.ports().listener, '/ice.mp3');
      const head = await client.head();
      if (head.startsWith('HTTP/1.0 200')) body = await client.bodyOf(24 * 1024);
      client.socket.destroy();
      if (body.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const decoded = await decode(body, 'mp3');
    t.true(decoded.ok, decoded.errors);
    t.is(logs.filter((l) => /no edge channel/.test(l)).length, 1, logs.join('\n'));
  });
}
