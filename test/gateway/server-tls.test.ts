// TLS on every gateway port: Mozilla intermediate (TLS 1.2+ with AEAD suites only), and a
// certificate renewal that reaches new connections without cutting a live stream.
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { createSelfSignedServerCert } from '../../gateway/tls/certs.ts';
import { certificateInfo } from '../../gateway/tls/cert-info.ts';
import type { GatewayPorts } from '../../gateway/start.ts';
import { writePair } from '../../gateway/tls/files.ts';
import { FFMPEG, stopProcess } from '../helpers/ffmpeg.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { lenientUpstream, testGateway } from './server-harness.ts';

type Handshake = { ok: true; protocol: string | null; fingerprint256: string } | { ok: false; code: string };

function handshake(port: number, options: tls.ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ...options }, () => {
      resolve({ ok: true, protocol: socket.getProtocol(), fingerprint256: socket.getPeerCertificate().fingerprint256 });
      socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code ?? err.message }));
  });
}

const TLS_PORTS: (keyof GatewayPorts)[] = ['source', 'listenerTls', 'admin'];

const negotiates = test.macro({
  async exec(t, options: tls.ConnectionOptions, expected: string | null) {
    const upstream = await lenientUpstream(t);
    const { gw } = await testGateway(t, upstream.port);
    const refusals: string[] = [];
    gw.events.on('tls-client-error', (e) => refusals.push(`${e.role}:${e.code}`));
    for (const name of TLS_PORTS) {
      const result = await handshake(gw.ports()[name] as number, options);
      if (expected === null) t.false(result.ok, `${name} accepted it`);
      else t.deepEqual(result.ok ? result.protocol : result.code, expected, name);
    }
    t.is(refusals.length, expected === null ? TLS_PORTS.length : 0, refusals.join(', '));
  },
  title: (title = '') => `every TLS port ${title}`,
});

test('refuses TLS 1.1', negotiates, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, null);
test('refuses TLS 1.0', negotiates, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, null);
test('refuses a TLS 1.2 CBC suite', negotiates, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256:AES128-SHA256' }, null);
test('refuses TLS 1.2 without forward secrecy', negotiates, { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' }, null);
test('accepts TLS 1.2 with ECDHE and AES-GCM', negotiates, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }, 'TLSv1.2');
test('accepts TLS 1.3', negotiates, { minVersion: 'TLSv1.3' }, 'TLSv1.3');

test('a renewed certificate serves new connections while a live stream and its source carry on', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-cert-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const paths = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  const first = createSelfSignedServerCert({ names: ['radio.example'] });
  const second = createSelfSignedServerCert({ names: ['radio.example'] });
  await writePair(paths, first);
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const { gw } = await testGateway(t, relay.port(), { tls: paths });
  let sourceConnects = 0;
  relay.ctx.events.on('source-connect', () => sourceConnects++);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'];
  args.push('-method', 'PUT', '-chunked_post', '0', '-content_type', 'audio/mpeg', '-auth_type', 'basic', '-tls_verify', '0');
  const source = spawn(FFMPEG, [...args, `https://source:${SECRETS.sourcePassword}@127.0.0.1:${gw.ports().source}/live.mp3`], { stdio: 'ignore' });
  t.teardown(() => stopProcess(source));
  await until(() => relay.ctx.registry.get('/live.mp3')?.live === true, 15000, 'the source on the relay');

  const listener = tls.connect({ port: gw.ports().listenerTls, host: '127.0.0.1', rejectUnauthorized: false });
  t.teardown(() => listener.destroy());
  await once(listener, 'secureConnect');
  t.is(listener.getPeerCertificate().fingerprint256, certificateInfo(first.certPem).fingerprint256);
  let received = 0;
  listener.on('data', (d: Buffer) => (received += d.length));
  listener.write('GET /live.mp3 HTTP/1.1\r\nHost: radio.example\r\n\r\n');
  await until(() => received > 16 * 1024, 15000, 'the stream to flow');

  const reloaded = new Promise<void>((resolve) => {
    gw.events.on('tls-reload', (e) => e.ok && e.fingerprint256 === certificateInfo(second.certPem).fingerprint256 && resolve());
  });
  await writePair(paths, second);
  await reloaded;
  const fresh = await handshake(gw.ports().listenerTls);
  t.true(fresh.ok && fresh.fingerprint256 === certificateInfo(second.certPem).fingerprint256, 'a new connection gets the new certificate');
  const atReload = received;
  await until(() => received > atReload + 32 * 1024, 15000, 'the old connection to keep receiving');
  t.false(listener.destroyed);
  t.is(sourceConnects, 1, 'the source was never cut and never reconnected');
  t.true(relay.ctx.registry.get('/live.mp3')?.live);

  // A key that does not belong to the certificate changes nothing.
  const refused = new Promise<string>((resolve) => gw.events.on('tls-reload', (e) => !e.ok && resolve(e.error)));
  await writePair(paths, { certPem: first.certPem, keyPem: second.keyPem });
  t.regex(await refused, /does not belong to the certificate/);
  const after = await handshake(gw.ports().source);
  t.true(after.ok && after.fingerprint256 === certificateInfo(second.certPem).fingerprint256);
});
