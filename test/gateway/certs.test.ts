// Generated certificates must work with the real TLS stack (OpenSSL 3 via node:tls), not only
// parse: forge's SHA-1 default is exactly the bug a parse-only test would miss.
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { createCa, createSelfSignedServerCert, issueClientCert, toPkcs12, type KeyAndCert } from '../../gateway/tls/certs.ts';
import { CertificateError, certificateExpiry, certificateInfo, checkKeyAndCert, daysUntilExpiry } from '../../gateway/tls/cert-info.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
/** The admin port's settings (docs/gateway-security.md#admin-client-certificates): the private CA only, and a certificate required. */
const MTLS = { requestCert: true, rejectUnauthorized: true } as const;
let server: KeyAndCert;
let ca: KeyAndCert;
let foreignCa: KeyAndCert;

test.before(() => {
  server = createSelfSignedServerCert({ names: ['radio.example.org', '192.0.2.10'] });
  ca = createCa();
  foreignCa = createCa({ commonName: 'someone else' });
});

async function listen(options: tls.TlsOptions): Promise<{ server: tls.Server; port: number; errors: Error[] }> {
  const errors: Error[] = [];
  const srv = tls.createServer(options, (socket) => socket.end('hello'));
  srv.on('tlsClientError', (err) => errors.push(err));
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { server: srv, port: (srv.address() as AddressInfo).port, errors };
}

/** Resolves with what the server sent, or the error that ended the connection. */
function connect(options: tls.ConnectionOptions): Promise<{ data: string; error: Error | null }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', ...options });
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('error', (error) => resolve({ data, error }));
    socket.on('close', () => resolve({ data, error: null }));
  });
}

test('the self-signed server certificate serves TLS to a client that trusts it', async (t) => {
  const { server: srv, port } = await listen({ key: server.keyPem, cert: server.certPem });
  t.teardown(() => srv.close());
  t.deepEqual(await connect({ port, ca: server.certPem, servername: 'localhost' }), { data: 'hello', error: null });
  t.deepEqual(await connect({ port, ca: server.certPem }), { data: 'hello', error: null }, 'by IP address 127.0.0.1');
  t.deepEqual(await connect({ port, ca: server.certPem, servername: 'radio.example.org' }), { data: 'hello', error: null });
  const wrongName = await connect({ port, ca: server.certPem, servername: 'other.example.org' });
  t.is((wrongName.error as NodeJS.ErrnoException | null)?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  const untrusted = await connect({ port, servername: 'localhost' });
  t.is((untrusted.error as NodeJS.ErrnoException | null)?.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
});

test('the server certificate names localhost, 127.0.0.1, ::1 and the given names', (t) => {
  const x509 = new X509Certificate(server.certPem);
  for (const host of ['localhost', 'radio.example.org']) t.is(x509.checkHost(host), host);
  for (const ip of ['127.0.0.1', '::1', '192.0.2.10']) t.is(x509.checkIP(ip), ip);
  t.is(x509.checkHost('example.org'), undefined);
});

test('an admin client certificate from the private CA is accepted with requestCert + rejectUnauthorized', async (t) => {
  const { server: srv, port, errors } = await listen({ key: server.keyPem, cert: server.certPem, ca: [ca.certPem], ...MTLS });
  t.teardown(() => srv.close());
  const client = issueClientCert(ca, { commonName: 'alice@laptop' });
  const peer = once(srv, 'secureConnection') as Promise<[tls.TLSSocket]>;
  t.deepEqual(await connect({ port, ca: server.certPem, servername: 'localhost', key: client.keyPem, cert: client.certPem }), { data: 'hello', error: null });
  const [socket] = await peer;
  t.true(socket.authorized);
  t.is(socket.getPeerCertificate().subject.CN, 'alice@laptop');
  t.deepEqual(errors, []);
});

/** A refused handshake: the server reports it, and the client never receives application data. */
async function refused(t: { is(a: unknown, b: unknown): void }, srv: tls.Server, options: tls.ConnectionOptions): Promise<void> {
  const serverSide = once(srv, 'tlsClientError');
  const client = await connect(options);
  t.is(client.data, '');
  await serverSide;
}


test('a client certificate from a foreign CA, a self-signed one, or none, is refused', async (t) => {
  const { server: srv, port } = await listen({ key: server.keyPem, cert: server.certPem, ca: [ca.certPem], ...MTLS });
  t.teardown(() => srv.close());
  const base = { port, ca: server.certPem, servername: 'localhost' };
  const stranger = issueClientCert(foreignCa, { commonName: 'mallory' });
  await refused(t, srv, { ...base, key: stranger.keyPem, cert: stranger.certPem });
  await refused(t, srv, { ...base, key: server.keyPem, cert: server.certPem });
  await refused(t, srv, base);
});

test('why they are refused: foreign issuer, serverAuth-only EKU, no certificate', async (t) => {
  const verdicts: Array<string | null> = [];
  const srv = tls.createServer({ key: server.keyPem, cert: server.certPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: false }, (socket) => {
    verdicts.push(socket.authorized ? null : String(socket.authorizationError));
    socket.end('hello');
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  t.teardown(() => srv.close());
  const base = { port: (srv.address() as AddressInfo).port, ca: server.certPem, servername: 'localhost' };
  const good = issueClientCert(ca, { commonName: 'alice' });
  const stranger = issueClientCert(foreignCa, { commonName: 'mallory' });
  for (const pair of [good, stranger, server]) await connect({ ...base, key: pair.keyPem, cert: pair.certPem });
  await connect(base);
  t.deepEqual(verdicts, [null, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'INVALID_PURPOSE', 'UNABLE_TO_GET_ISSUER_CERT']);
});

test('every certificate is signed with SHA-256', (t) => {
  const client = issueClientCert(ca, { commonName: 'bob' });
  for (const pem of [server.certPem, ca.certPem, client.certPem]) t.is(certificateInfo(pem).signatureAlgorithm, 'sha256WithRSAEncryption');
});

test('certificate info: subject, issuer, CA flag, SAN, serial, fingerprint', (t) => {
  const client = issueClientCert(ca, { commonName: 'carol' });
  const info = certificateInfo(client.certPem);
  t.is(info.subject, 'CN=carol\nO=icegate');
  t.is(info.issuer, 'CN=icegate admin CA\nO=icegate');
  t.false(info.isCa);
  t.true(certificateInfo(ca.certPem).isCa);
  t.is(info.subjectAltName, null);
  t.regex(certificateInfo(server.certPem).subjectAltName ?? '', /DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);
  t.regex(info.serialNumber, /^[4-7][0-9A-F]{31}$/);
  t.regex(info.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  t.true(new X509Certificate(client.certPem).verify(new X509Certificate(ca.certPem).publicKey));
});

test('validity follows the injected clock; expiry is extracted for the dashboard', (t) => {
  const client = issueClientCert(ca, { commonName: 'dave', days: 30, now: NOW });
  t.deepEqual(certificateExpiry(client.certPem), new Date('2026-03-31T12:00:00Z'));
  t.deepEqual(certificateInfo(client.certPem).notBefore, new Date('2026-03-01T11:55:00Z'));
  t.is(daysUntilExpiry(client.certPem, NOW), 30);
  t.is(daysUntilExpiry(client.certPem, new Date('2026-04-02T12:00:00Z')), -2);
  const defaults = certificateInfo(createSelfSignedServerCert({ now: NOW }).certPem);
  t.deepEqual(defaults.notAfter, new Date(NOW.getTime() + 365 * 86_400_000));
});

test('checkKeyAndCert accepts a matching pair and refuses mismatches, garbage and expiry', (t) => {
  t.is(checkKeyAndCert(server), server);
  t.throws(() => checkKeyAndCert({ keyPem: ca.keyPem, certPem: server.certPem }), { instanceOf: CertificateError, message: 'the private key does not belong to the certificate' });
  t.throws(() => checkKeyAndCert({ keyPem: 'nope', certPem: server.certPem }), { instanceOf: CertificateError, message: 'the private key is not a readable PEM key' });
  t.throws(() => checkKeyAndCert({ keyPem: server.keyPem, certPem: 'nope' }), { instanceOf: CertificateError, message: 'not a readable PEM certificate' });
  const old = issueClientCert(ca, { commonName: 'eve', days: 1, now: new Date('2020-01-01T00:00:00Z') });
  t.throws(() => checkKeyAndCert(old), { instanceOf: CertificateError, message: /expired/ });
});

test('bad names and options are refused', (t) => {
  t.throws(() => createSelfSignedServerCert({ names: ['bad name'] }), { instanceOf: RangeError, message: /"bad name"/ });
  t.throws(() => issueClientCert(ca, { commonName: '' }), { instanceOf: RangeError });
  t.throws(() => issueClientCert(ca, { commonName: 'x', days: 0 }), { instanceOf: RangeError });
});

test('a PKCS#12 bundle of the client certificate loads into a TLS context', (t) => {
  const client = issueClientCert(ca, { commonName: 'frank' });
  const pfx = toPkcs12(client, ca.certPem, 'bundle-password');
  t.notThrows(() => tls.createSecureContext({ pfx, passphrase: 'bundle-password' }));
  t.throws(() => tls.createSecureContext({ pfx, passphrase: 'wrong' }));
});
