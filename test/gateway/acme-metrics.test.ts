// Issue 17: a metric gives the certificate's days to expiry. The gateway tells the relay core the
// notAfter of the certificate its TLS ports present, over the edge channel, and the relay's
// /metrics (scraped here through the gateway's admin port, as an operator does) shows it as
// icegate_certificate_expiry_days{gateway}. A swapped certificate (a renewal, an ECDSA one) moves
// it; a gateway without the channel reports nothing and still serves.
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSelfSignedServerCert } from '../../gateway/tls/certs.ts';
import { certificateExpiry } from '../../gateway/tls/cert-info.ts';
import { certificateFeed } from '../../gateway/edge/certificate-feed.ts';
import { writePair } from '../../gateway/tls/files.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { serverCert } from './hardening-kit.ts';
import { exchange, Shared, testGateway, type TestGateway } from './server-harness.ts';

const shared = new Shared();
const ADMIN = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;
const DAY_MS = 86_400_000;
const METRIC = 'icegate_certificate_expiry_days';

let dir: string;
let gateway: TestGateway;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-cert-metric-'));
  shared.teardown(() => rm(dir, { recursive: true, force: true }));
  await writePair({ cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') }, createSelfSignedServerCert({ days: 90 }));
  const relay = await testRelay();
  shared.teardown(() => relay.close());
  gateway = await testGateway(
    shared,
    relay.port(),
    { upstreamAuth: { username: 'relay', password: SECRETS.relayPassword }, tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } },
    { channel: { intervalMs: 200, flushDelayMs: 20 } },
  );
});
test.after.always(() => shared.run());

/** The metric's value for this gateway, from a scrape through the admin port; undefined while absent. */
async function daysLeft(): Promise<number | undefined> {
  const e = await exchange(gateway.gw.ports().admin, `GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: ${ADMIN}\r\nConnection: close\r\n\r\n`, true);
  if (e.status !== 200) throw new Error(`scrape: ${e.head}`);
  const series = `${METRIC}{gateway="${gateway.gw.channel.gateway}"} `;
  const line = e.body.split('\n').find((l) => l.startsWith(series));
  return line === undefined ? undefined : Number(line.slice(series.length));
}

/** Waits until a scrape shows a value that `ok` accepts, and returns it. */
async function settled(ok: (days: number) => boolean, what: string): Promise<number> {
  let last: number | undefined;
  let pending = false;
  let failure: unknown = null;
  await until(() => {
    if (failure !== null) throw failure;
    if (last !== undefined && ok(last)) return true;
    if (!pending) {
      pending = true;
      daysLeft().then(
        (d) => ((last = d), (pending = false)),
        (err: unknown) => (failure = err),
      );
    }
    return false;
  }, 15000, what);
  return last!;
}

const expected = (certPem: string): number => (certificateExpiry(certPem).getTime() - Date.now()) / DAY_MS;

test.serial('the metric shows the days left on the certificate served, and follows a renewal to an ECDSA one', async (t) => {
  const served = String(gateway.gw.tls.options().cert);
  const first = await settled(() => true, `${METRIC} in /metrics`);
  t.true(Math.abs(first - expected(served)) < 0.01, `${first} vs ${expected(served)}`);
  t.true(first > 89 && first < 90.01);

  const renewed = serverCert('P-256');
  const reloaded = new Promise<void>((resolve) => gateway.gw.events.on('tls-reload', (e) => e.ok && resolve()));
  await writePair({ cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') }, renewed);
  await reloaded;
  const after = await settled((d) => d < 31, `${METRIC} to follow the renewal`);
  t.true(Math.abs(after - expected(renewed.certPem)) < 0.01, `${after} vs ${expected(renewed.certPem)}`);
});

test('the feed parses a certificate once, reads every key type, and gives null for what it cannot read', (t) => {
  let pem = createSelfSignedServerCert({ days: 10 }).certPem;
  let reads = 0;
  const feed = certificateFeed(() => (reads++, pem));
  const a = feed();
  t.is(a?.notAfter, certificateExpiry(pem).getTime());
  t.is(feed(), a, 'the same PEM is not parsed again');
  t.is(reads, 2);
  for (const kind of ['P-256', 'P-384'] as const) {
    pem = serverCert(kind).certPem;
    t.is(feed()?.notAfter, certificateExpiry(pem).getTime(), kind);
  }
  pem = '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n';
  t.is(feed(), null);
  const throwing = certificateFeed(() => {
    throw new Error('no certificate in service');
  });
  t.is(throwing(), null);
});
