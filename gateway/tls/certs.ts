// Certificates for `icegate cert`: a self-signed server certificate for first start, a private CA
// for the admin port, and admin client certificates issued by it. Keys come from Node's crypto
// (native and fast; forge's pure-JS RSA keygen blocks for seconds, docs/gateway-security.md#certificate-generation);
// node-forge only assembles and signs the X.509 structures. Every signature is SHA-256: forge
// defaults to SHA-1, which OpenSSL 3 rejects (ERR_SSL_CA_MD_TOO_WEAK, digitalbazaar/forge#515).
// forge cannot sign with EC keys, so all keys are RSA-2048 (Mozilla intermediate's minimum).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface KeyAndCert {
  /** PKCS#8 PEM. */
  readonly keyPem: string;
  readonly certPem: string;
}

export interface ServerCertOptions {
  /** Host names and addresses besides localhost, 127.0.0.1 and ::1. */
  readonly names?: readonly string[];
  /** Default 365 (Mozilla: at most 366 days). */
  readonly days?: number;
  readonly now?: Date;
}

export interface CaOptions {
  readonly commonName?: string;
  /** Default 3650. */
  readonly days?: number;
  readonly now?: Date;
}

export interface ClientCertOptions {
  /** Names the operator in the audit log, e.g. "alice@laptop". */
  readonly commonName: string;
  /** Default 90: short-lived, so a lost laptop stops working by itself (docs/gateway-security.md#certificate-generation). */
  readonly days?: number;
  readonly now?: Date;
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const DNS_NAME = /^(?=.{1,253}$)(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** Tolerates clients whose clock runs a little behind. */
const BACKDATE_MS = 5 * 60 * 1000;

export function createSelfSignedServerCert(options: ServerCertOptions = {}): KeyAndCert {
  const names = [...new Set([...LOOPBACK, ...(options.names ?? [])])];
  for (const name of names) {
    if (isIP(name) === 0 && !DNS_NAME.test(name)) throw new RangeError(`"${name.slice(0, 80)}" is neither a host name nor an IP address`);
  }
  const key = newKey();
  const subject = attributes(options.names?.[0] ?? 'localhost');
  const cert = build(key, subject, subject, options.days ?? 365, options.now, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forge, forge.md.sha256.create());
  return { keyPem: key.pem, certPem: forge.pki.certificateToPem(cert) };
}

/** The private CA that admin client certificates are checked against (and nothing else is). */
export function createCa(options: CaOptions = {}): KeyAndCert {
  const key = newKey();
  const subject = attributes(options.commonName ?? 'icegate admin CA');
  const cert = build(key, subject, subject, options.days ?? 3650, options.now, [
    { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forge, forge.md.sha256.create());
  return { keyPem: key.pem, certPem: forge.pki.certificateToPem(cert) };
}

export function issueClientCert(ca: KeyAndCert, options: ClientCertOptions): KeyAndCert {
  if (!/^[\x20-\x7e]{1,64}$/.test(options.commonName)) throw new RangeError('the common name must be 1–64 printable ASCII characters');
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem) as forge.pki.rsa.PrivateKey;
  const key = newKey();
  const cert = build(key, attributes(options.commonName), caCert.subject.attributes, options.days ?? 90, options.now, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { keyPem: key.pem, certPem: forge.pki.certificateToPem(cert) };
}

/**
 * A PKCS#12 bundle (client key, certificate, CA) for importing into a browser or the OS
 * keychain; AES-256 encrypted with `password`.
 */
export function toPkcs12(client: KeyAndCert, caCertPem: string, password: string): Buffer {
  const key = forge.pki.privateKeyFromPem(client.keyPem);
  const chain = [forge.pki.certificateFromPem(client.certPem), forge.pki.certificateFromPem(caCertPem)];
  const p12 = forge.pkcs12.toPkcs12Asn1(key, chain, password, { algorithm: 'aes256' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

interface NewKey {
  readonly pem: string;
  readonly forge: forge.pki.rsa.PrivateKey;
  readonly publicKey: forge.pki.rsa.PublicKey;
}

function newKey(): NewKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { pem, forge: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function attributes(commonName: string): forge.pki.CertificateField[] {
  return [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'icegate' },
  ];
}

function build(
  key: NewKey,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  days: number,
  now: Date = new Date(),
  extensions: object[],
): forge.pki.Certificate {
  if (!Number.isSafeInteger(days) || days < 1) throw new RangeError('days must be a whole number ≥ 1');
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + days * 86_400_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  return cert;
}

/** 16 random bytes, first byte 0x40–0x7f: positive and minimally DER-encoded (RFC 5280 §4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x40 | (bytes[0]! & 0x3f);
  return bytes.toString('hex');
}
