// Real clients end to end: ffmpeg pushes MP3 over TLS to the gateway's source port, the relay
// core behind it takes the source, and a listener on the gateway's TLS listener port receives
// audio that decodes. Then password guessing on the source port against the real relay.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import { decode, FFMPEG, stopProcess } from '../helpers/ffmpeg.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { countingProxy, exchange, headerOf, strictLimiter, testGateway } from './server-harness.ts';

/**
 * The npm ffmpeg (4.1) has no TLS for icecast://, so it pushes with its https:// output: PUT,
 * no chunking, Basic credentials sent at once (docs/icecast-compatibility.md#source-clients).
 */
function tlsSource(port: number, mount: string, password: string): ChildProcess {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-ac', '2'];
  args.push('-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', '-method', 'PUT', '-chunked_post', '0', '-content_type', 'audio/mpeg');
  args.push('-auth_type', 'basic', '-tls_verify', '0', `https://source:${password}@127.0.0.1:${port}${mount}`);
  return spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'ignore'] });
}

/** Collects `bytes` of a stream over HTTPS, then hangs up. */
function tlsListen(port: number, path: string, bytes: number): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => {
      const parts: Buffer[] = [];
      let n = 0;
      res.on('data', (d: Buffer) => {
        parts.push(d);
        n += d.length;
        if (n >= bytes) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
  });
}

test('an ffmpeg source over TLS reaches the relay, and a TLS listener decodes what it sends', async (t) => {
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const { gw } = await testGateway(t, relay.port());
  const source = tlsSource(gw.ports().source, '/live.mp3', SECRETS.sourcePassword);
  t.teardown(() => stopProcess(source));
  await until(() => relay.ctx.registry.get('/live.mp3')?.live === true, 15000, 'the source on the relay');

  const heard = await tlsListen(gw.ports().listenerTls, '/live.mp3', 48 * 1024);
  t.is(heard.status, 200);
  const decoded = await decode(heard.body, 'mp3');
  t.true(decoded.ok, decoded.errors);
  t.true(decoded.seconds > 2, `decoded ${decoded.seconds} s`);

  await stopProcess(source);
  await until(() => relay.ctx.registry.get('/live.mp3')?.live !== true, 15000, 'the source to leave the relay');
  t.false(relay.ctx.registry.get('/live.mp3')?.live ?? false);
});

test('password guessing on the source port: 429 with Retry-After after 3 failures; probes never count', async (t) => {
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const proxy = await countingProxy(t, relay.port());
  const { gw } = await testGateway(t, proxy.port, {}, { limiter: strictLimiter(3) });
  const port = gw.ports().source;
  const put = (password: string): string =>
    `PUT /live.mp3 HTTP/1.1\r\nHost: h\r\nAuthorization: Basic ${Buffer.from(`source:${password}`).toString('base64')}\r\nContent-Type: audio/mpeg\r\nContent-Length: 0\r\n\r\n`;

  // libshout's unauthenticated probe, many times over: the relay answers each, none counts.
  for (let i = 0; i < 6; i++) {
    const probe = await exchange(port, 'SOURCE /live.mp3 HTTP/1.0\r\nContent-Length: 0\r\nConnection: Keep-Alive\r\n\r\n', true);
    t.is(probe.status, 401);
  }
  for (let i = 0; i < 3; i++) t.is((await exchange(port, put(`wrong-${i}`), true)).status, 401);
  const before = proxy.connections();
  const blocked = await exchange(port, put(SECRETS.sourcePassword), true);
  t.is(blocked.status, 429);
  t.true(blocked.body.includes('GW_RATE_LIMITED'));
  t.true(Number(headerOf(blocked.head, 'retry-after')) > 100);
  t.is(proxy.connections(), before, 'a blocked attempt never reaches the upstream');
});

test('a good login resets the count of a source\'s failures', async (t) => {
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const { gw } = await testGateway(t, relay.port(), {}, { limiter: strictLimiter(3) });
  const port = gw.ports().source;
  const put = (password: string): string =>
    `PUT /live.mp3 HTTP/1.1\r\nHost: h\r\nAuthorization: Basic ${Buffer.from(`source:${password}`).toString('base64')}\r\nContent-Type: audio/mpeg\r\nContent-Length: 0\r\n\r\n`;
  for (let i = 0; i < 2; i++) t.is((await exchange(port, put('wrong'), true)).status, 401);
  t.is((await exchange(port, put(SECRETS.sourcePassword), true)).status, 200);
  for (let i = 0; i < 2; i++) t.is((await exchange(port, put('wrong'), true)).status, 401);
  t.is((await exchange(port, put(SECRETS.sourcePassword), true)).status, 200);
});
