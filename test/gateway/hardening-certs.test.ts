// Issue: an ECDSA certificate (what certbot ≥ 2.0 issues by default) made the gateway's start-up
// banner throw, because certificate facts were read with node-forge, which reads RSA keys only.
// Every key type must serve on every TLS port, show in the banner facts and the security view,
// and survive a reload to another key type.
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { certificateInfo } from '../../gateway/tls/cert-info.ts';
import { writePair } from '../../gateway/tls/files.ts';
import type { GatewayPorts } from '../../gateway/start.ts';
import { handshake, serverCert, type KeyKind } from './hardening-kit.ts';
import { lenientUpstream, testGateway } from './server-harness.ts';

const TLS_PORTS: (keyof GatewayPorts)[] = ['source', 'listenerTls', 'admin'];

const CASES: [KeyKind, KeyKind, string, string][] = [
  ['RSA', 'P-256', 'RSA 2048', 'ecdsa-with-SHA256'],
  ['P-256', 'P-384', 'EC P-256', 'ecdsa-with-SHA384'],
  ['P-384', 'RSA', 'EC P-384', 'sha256WithRSAEncryption'],
];

for (const [first, second, firstKey, secondSignature] of CASES) {
  test(`a ${first} certificate serves every TLS port, shows in the banner and the view, and reloads to ${second}`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'icegate-ec-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const paths = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
    const a = serverCert(first);
    const b = serverCert(second);
    await writePair(paths, a);
    const upstream = await lenientUpstream(t);
    const { gw } = await testGateway(t, upstream.port, { tls: paths, admin: { clientCertificates: true } });

    const fpA = new X509Certificate(a.certPem).fingerprint256;
    t.is(gw.tls.fingerprint256, fpA, 'the banner fact');
    t.is(certificateInfo(a.certPem).publicKey, firstKey);
    t.is(gw.security.view().certificate?.subject, 'CN=localhost' + (first === 'RSA' ? ', O=icegate' : ''), 'the security view');
    for (const port of TLS_PORTS) t.deepEqual(await handshake(gw.ports()[port] as number), { fingerprint256: fpA }, port);

    const reloaded = new Promise<unknown>((resolve) => gw.events.once('tls-reload', resolve));
    await writePair(paths, b);
    const fpB = new X509Certificate(b.certPem).fingerprint256;
    t.deepEqual(await reloaded, { ok: true, fingerprint256: fpB });
    t.is(gw.tls.fingerprint256, fpB);
    t.is(certificateInfo(b.certPem).signatureAlgorithm, secondSignature);
    t.truthy(gw.security.view().certificate);
    for (const port of TLS_PORTS) t.deepEqual(await handshake(gw.ports()[port] as number), { fingerprint256: fpB }, port);
  });
}

test('certificate facts of every key type come from the certificate itself', (t) => {
  for (const kind of ['RSA', 'P-256', 'P-384'] as const) {
    const pem = serverCert(kind).certPem;
    const x509 = new X509Certificate(pem);
    const info = certificateInfo(pem);
    t.is(info.fingerprint256, x509.fingerprint256, kind);
    t.is(info.issuer, x509.issuer, kind);
    t.deepEqual(info.notAfter, new Date(x509.validTo), kind);
    t.regex(info.spkiSha256, /^[A-Za-z0-9+/]{43}=$/, kind);
  }
});
