// Certificates by ACME against Pebble, a real ACME server: issuance by HTTP-01 and by
// TLS-ALPN-01 on the gateway's own listener ports, the chain verified against Pebble's root, a
// stored certificate served again after a restart without a new order, and failures that leave
// the certificate in service and name the domain and the challenge.
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import tls from 'node:tls';
import { renewalTime } from '../../gateway/acme/plan.ts';
import { FFMPEG, stopProcess } from '../helpers/ffmpeg.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import type { AcmeStatus } from '../../gateway/acme/manager.ts';
import type { RunningGateway } from '../../gateway/start.ts';
import { startPebble, type Pebble } from '../helpers/pebble.ts';
import { testGateway } from './server-harness.ts';
import { DOMAIN, peer, ptest, sayIfSkipped } from './acme-kit.ts';

sayIfSkipped('acme-pebble');

async function withPebble(t: { teardown(fn: () => unknown): void }): Promise<Pebble> {
  const pebble = await startPebble();
  t.teardown(() => pebble.close());
  return pebble;
}

function acmeConfig(pebble: Pebble, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { tls: { acme: { domains: [DOMAIN], email: 'ops@radio.test', directory: pebble.directory, directoryCa: pebble.directoryCaFile, ...extra } } };
}

/** Resolves with the first status the predicate accepts (the current one included). */
function statusWhere(gw: RunningGateway, ok: (s: AcmeStatus) => boolean): Promise<AcmeStatus> {
  const acme = gw.acme!;
  if (ok(acme.status)) return Promise.resolve(acme.status);
  return new Promise((resolve) => {
    const on = (s: AcmeStatus): void => {
      if (!ok(s)) return;
      acme.off('status', on);
      resolve(s);
    };
    acme.on('status', on);
  });
}

for (const challenge of ['http-01', 'tls-alpn-01'] as const) {
  ptest(`issuance by ${challenge}: the TLS listener serves a certificate for the domain that verifies against Pebble's root`, async (t) => {
    const pebble = await withPebble(t);
    const { gw } = await testGateway(t, 9, acmeConfig(pebble, { challenges: [challenge] }), {
      ports: { listener: pebble.httpPort, listenerTls: pebble.tlsPort, source: 0, sourcePlain: null, admin: 0 },
    });
    const before = await peer(gw.ports().listenerTls);
    t.false(before.issuer.includes('Pebble'), 'the self-signed certificate until the first one arrives');
    const status = await statusWhere(gw, (s) => s.state === 'valid' || s.state === 'failing');
    t.is(status.state, 'valid', status.lastError ?? '');
    t.regex(status.issuer ?? '', /Pebble/);
    t.true((status.expiresAt ?? 0) > Date.now());
    const after = await peer(gw.ports().listenerTls, await pebble.root());
    t.true(after.authorized, `verified against Pebble's root: ${after.error}`);
    t.is(pebble.orders(), 1);
  });
}

ptest('a restart serves the stored certificate at once and orders nothing; account key and certificate are 0600', async (t) => {
  const pebble = await withPebble(t);
  const ports = { listener: pebble.httpPort, listenerTls: pebble.tlsPort, source: 0, sourcePlain: null, admin: 0 };
  const first = await testGateway(t, 9, acmeConfig(pebble), { ports });
  await statusWhere(first.gw, (s) => s.state === 'valid');
  const served = await peer(first.gw.ports().listenerTls);
  for (const file of ['account.key', 'cert.pem', 'key.pem']) t.is((await stat(join(first.stateDir, 'acme', file))).mode & 0o777, 0o600, file);
  await first.gw.close();

  // Same state directory: testGateway would make a new one, so start a second gateway on it.
  const { startGateway } = await import('../../gateway/start.ts');
  const { configSchema } = await import('../../config/schema.ts');
  const config = configSchema.parse({ stateDir: first.stateDir, gateway: { upstream: 'http://127.0.0.1:9', ...acmeConfig(pebble) } });
  const second = await startGateway({ config, host: '127.0.0.1', ports });
  t.teardown(() => second.close());
  t.is(second.acme!.status.state, 'valid', 'valid as soon as the start returns');
  const again = await peer(second.ports().listenerTls);
  t.is(again.fingerprint, served.fingerprint);
  t.is(pebble.orders(), 1, 'Pebble saw no new order');
});

ptest('renewal at two thirds of the lifetime, by the injected clock, swaps the certificate under a live TLS player', async (t) => {
  const pebble = await withPebble(t);
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const clock = new FakeClock(Date.now());
  const { gw } = await testGateway(t, relay.port(), acmeConfig(pebble), {
    ports: { listener: pebble.httpPort, listenerTls: pebble.tlsPort, source: 0, sourcePlain: null, admin: 0 },
    acmeClock: clock,
  });
  const issued = await statusWhere(gw, (s) => s.state === 'valid');
  const firstCert = await peer(gw.ports().listenerTls);

  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'];
  args.push('-method', 'PUT', '-chunked_post', '0', '-content_type', 'audio/mpeg', '-auth_type', 'basic', '-tls_verify', '0');
  const source = spawn(FFMPEG, [...args, `https://source:${SECRETS.sourcePassword}@127.0.0.1:${gw.ports().source}/live.mp3`], { stdio: 'ignore' });
  t.teardown(() => stopProcess(source));
  await until(() => relay.ctx.registry.get('/live.mp3')?.live === true, 15000, 'the source on the relay');
  const player = tls.connect({ port: gw.ports().listenerTls, host: '127.0.0.1', servername: DOMAIN, rejectUnauthorized: false });
  t.teardown(() => player.destroy());
  await once(player, 'secureConnect');
  let received = 0;
  player.on('data', (d: Buffer) => (received += d.length));
  player.write(`GET /live.mp3 HTTP/1.1\r\nHost: ${DOMAIN}\r\n\r\n`);
  await until(() => received > 16 * 1024, 15000, 'the stream to flow');

  const renewed = statusWhere(gw, (s) => s.state === 'valid' && s.expiresAt !== issued.expiresAt);
  const stored = { notBefore: issued.expiresAt! - 1, notAfter: issued.expiresAt!, names: [DOMAIN] };
  t.true(gw.acme!.status.nextAttemptAt !== null && gw.acme!.status.nextAttemptAt > clock.now(), 'a renewal is planned');
  clock.advance(gw.acme!.status.nextAttemptAt! - clock.now() + 1);
  await renewed;
  t.is(pebble.orders(), 2, 'one renewal order');
  t.true(renewalTime(stored) <= issued.expiresAt!);
  const secondCert = await peer(gw.ports().listenerTls);
  t.not(secondCert.fingerprint, firstCert.fingerprint, 'new connections get the renewed certificate');
  const atSwap = received;
  await until(() => received > atSwap + 32 * 1024, 15000, 'the held player to keep receiving');
  t.false(player.destroyed, 'the player held across the swap is still connected');
});

ptest('Pebble down at renewal: the certificate stays in service, the error names domain and challenge, retries back off', async (t) => {
  const pebble = await withPebble(t);
  const clock = new FakeClock(Date.now());
  const { gw } = await testGateway(t, 9, acmeConfig(pebble, { challenges: ['http-01'] }), {
    ports: { listener: pebble.httpPort, listenerTls: pebble.tlsPort, source: 0, sourcePlain: null, admin: 0 },
    acmeClock: clock,
  });
  await statusWhere(gw, (s) => s.state === 'valid');
  const served = await peer(gw.ports().listenerTls);
  await pebble.stop();
  const lines: string[] = [];
  gw.events.on('acme', (e) => e.level === 'error' && lines.push(e.message));
  const failed = statusWhere(gw, (s) => s.state === 'failing');
  clock.advance(gw.acme!.status.nextAttemptAt! - clock.now() + 1);
  const first = await failed;
  t.regex(first.lastError ?? '', new RegExp(`${DOMAIN} \\(challenge http-01\\)`));
  t.is(first.nextAttemptAt! - clock.now(), 5 * 60_000, 'first retry after 5 minutes');
  t.regex(lines.join('\n'), /radio\.test.*current certificate stays in service/);
  t.is((await peer(gw.ports().listenerTls)).fingerprint, served.fingerprint, 'the old certificate is still served');
  const second = statusWhere(gw, (s) => s.state === 'failing' && s.failures === 2);
  clock.advance(5 * 60_000);
  t.is((await second).nextAttemptAt! - clock.now(), 10 * 60_000, 'then after 10 minutes');
});

ptest('a domain that does not point at this host: the challenge fails, named, and the self-signed certificate stays', async (t) => {
  const pebble = await withPebble(t);
  await pebble.addA(DOMAIN, '127.0.0.2');
  const { gw } = await testGateway(t, 9, acmeConfig(pebble, { challenges: ['http-01'] }), {
    ports: { listener: pebble.httpPort, listenerTls: pebble.tlsPort, source: 0, sourcePlain: null, admin: 0 },
    acmeClock: new FakeClock(Date.now()),
  });
  const before = await peer(gw.ports().listenerTls);
  const status = await statusWhere(gw, (s) => s.state === 'failing');
  t.regex(status.lastError ?? '', /radio\.test \(challenge http-01\) failed: .+/);
  t.is((await peer(gw.ports().listenerTls)).fingerprint, before.fingerprint);
});

ptest('an unreachable directory is a clear error that leaves the running certificate in place', async (t) => {
  const pebble = await withPebble(t);
  await pebble.stop();
  const { gw } = await testGateway(t, 9, acmeConfig(pebble), { acmeClock: new FakeClock(Date.now()) });
  const before = await peer(gw.ports().listenerTls);
  const status = await statusWhere(gw, (s) => s.state === 'failing');
  t.regex(status.lastError ?? "", /radio\.test \(challenge http-01\) failed: directory https:\/\/127\.0\.0\.1:\d+\/dir: ECONNREFUSED/);
  t.is((await peer(gw.ports().listenerTls)).fingerprint, before.fingerprint);
});
