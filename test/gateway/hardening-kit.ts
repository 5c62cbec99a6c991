// Helpers of the hardening tests: ECDSA server certificates (node-forge cannot make them, so the
// DER is assembled with forge's ASN.1 writer and signed by Node), and raw clients that show
// whether the gateway closed a connection.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import forge from 'node-forge';
import { createSelfSignedServerCert, type KeyAndCert } from '../../gateway/tls/certs.ts';

export type KeyKind = 'RSA' | 'P-256' | 'P-384';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;
const seq = (...items: forge.asn1.Asn1[]): forge.asn1.Asn1 => asn1.create(U, T.SEQUENCE, true, items);
const oid = (dotted: string): forge.asn1.Asn1 => asn1.create(U, T.OID, false, asn1.oidToDer(dotted).getBytes());

/** A self-signed server certificate for localhost with the given key type. */
export function serverCert(kind: KeyKind, commonName = 'localhost'): KeyAndCert {
  if (kind === 'RSA') return createSelfSignedServerCert({ names: [commonName] });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: kind === 'P-256' ? 'prime256v1' : 'secp384r1' });
  // RFC 5758 §3.2: ecdsa-with-SHA256 / -SHA384, parameters absent.
  const [sigOid, hash] = kind === 'P-256' ? ['1.2.840.10045.4.3.2', 'sha256'] : ['1.2.840.10045.4.3.3', 'sha384'];
  const algorithm = seq(oid(sigOid));
  const name = asn1.create(U, T.SET, true, [seq(oid('2.5.4.3'), asn1.create(U, T.UTF8, false, commonName))]);
  const now = Date.now();
  const validity = seq(
    asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(new Date(now - 300_000))),
    asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(new Date(now + 30 * 86_400_000))),
  );
  const spki = asn1.fromDer(forge.util.createBuffer(publicKey.export({ type: 'spki', format: 'der' }).toString('binary')));
  const serial = asn1.create(U, T.INTEGER, false, `\x01${randomBytes(15).toString('binary')}`);
  const tbs = seq(
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(U, T.INTEGER, false, '\x02')]),
    serial,
    algorithm,
    seq(name),
    validity,
    seq(name),
    spki,
  );
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign(hash, tbsDer, privateKey);
  const cert = seq(tbs, seq(oid(sigOid)), asn1.create(U, T.BITSTRING, false, `\x00${signature.toString('binary')}`));
  const certPem = forge.pem.encode({ type: 'CERTIFICATE', body: asn1.toDer(cert).getBytes() });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** A TLS handshake's outcome: the certificate presented, or the error. */
export function handshake(port: number): Promise<{ fingerprint256: string } | { error: string }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      resolve({ fingerprint256: socket.getPeerCertificate().fingerprint256 });
      socket.destroy();
    });
    socket.once('error', (err) => resolve({ error: err.message }));
  });
}

/** A TCP connection that sends `bytes` (nothing by default) and resolves when the server closes it. */
export function idleConnection(port: number, bytes: Buffer | string = ''): { socket: net.Socket; closed: Promise<void>; opened: Promise<void> } {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.on('data', () => {});
  const opened = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  if (bytes.length > 0) socket.once('connect', () => socket.write(bytes));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, closed, opened };
}

/** The first half of a TLS ClientHello: a client that started a handshake and went quiet. */
export function halfClientHello(): Promise<Buffer> {
  return new Promise((resolve) => {
    const server = net.createServer((s) => {
      s.once('data', (d: Buffer) => {
        resolve(d.subarray(0, Math.floor(d.length / 2)));
        s.destroy();
        server.close();
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const c = tls.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', rejectUnauthorized: false });
      c.on('error', () => {});
    });
  });
}
