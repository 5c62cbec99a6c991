// Reading certificates: what the dashboard shows (expiry, subject, fingerprint, SPKI pin) and the
// checks before a certificate is put into service. Every fact comes from OpenSSL through Node's
// X509Certificate, which reads RSA, ECDSA (P-256, P-384: what ACME clients such as certbot ≥ 2.0
// issue by default) and EdDSA keys alike. node-forge reads RSA keys only (digitalbazaar/forge#532),
// so it is used for making certificates (certs.ts) and never for reading one. The signature
// algorithm, which Node 20 does not expose, is read from the DER (RFC 5280 §4.1.1.2). Chains are
// never verified here: that is the TLS stack's job.
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import type { KeyAndCert } from './certs.ts';
import { signatureAlgorithmName } from './der.ts';

export interface CertInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Hex, upper case, as OpenSSL prints it. */
  readonly serialNumber: string;
  /** SHA-256, colon-separated hex. */
  readonly fingerprint256: string;
  /** E.g. "sha256WithRSAEncryption". */
  readonly signatureAlgorithm: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo, base64 (the pin format of RFC 7469 §2.4). */
  readonly spkiSha256: string;
  /** "RSA 2048", "EC P-256", "Ed25519". */
  readonly publicKey: string;
  /** "DNS:localhost, IP Address:127.0.0.1, …"; null when absent. */
  readonly subjectAltName: string | null;
  readonly isCa: boolean;
}

export class CertificateError extends Error {}

export function certificateInfo(certPem: string): CertInfo {
  const x509 = parse(certPem);
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return {
    subject: x509.subject,
    issuer: x509.issuer,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
    signatureAlgorithm: signatureAlgorithmName(x509.raw),
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    publicKey: describeKey(x509),
    subjectAltName: x509.subjectAltName ?? null,
    isCa: x509.ca,
  };
}

/** When the certificate stops being valid (for the dashboard's expiry warning). */
export function certificateExpiry(certPem: string): Date {
  return new Date(parse(certPem).validTo);
}

/** Whole days until expiry at `now`; negative once expired. */
export function daysUntilExpiry(certPem: string, now: Date = new Date()): number {
  return Math.floor((certificateExpiry(certPem).getTime() - now.getTime()) / 86_400_000);
}

/**
 * Checks a PEM key and certificate before they are loaded: both parse, the key belongs to the
 * certificate, and the certificate is valid at `now`. Throws CertificateError (no key material
 * in the message); returns the pair unchanged.
 */
export function checkKeyAndCert(pair: KeyAndCert, now: Date = new Date()): KeyAndCert {
  const x509 = parse(pair.certPem);
  let key;
  try {
    key = createPrivateKey(pair.keyPem);
  } catch {
    throw new CertificateError('the private key is not a readable PEM key');
  }
  if (!x509.checkPrivateKey(key)) throw new CertificateError('the private key does not belong to the certificate');
  if (now < new Date(x509.validFrom)) throw new CertificateError(`the certificate is not valid before ${x509.validFrom}`);
  if (now > new Date(x509.validTo)) throw new CertificateError(`the certificate expired on ${x509.validTo}`);
  return pair;
}

function describeKey(x509: X509Certificate): string {
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return `RSA ${details.modulusLength ?? '?'}`;
    case 'ec':
      return `EC ${CURVES[details.namedCurve ?? ''] ?? details.namedCurve ?? '?'}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

/** OpenSSL's curve names as the TLS world writes them (RFC 8422 §5.1.1). */
const CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function parse(certPem: string): X509Certificate {
  try {
    return new X509Certificate(certPem);
  } catch {
    throw new CertificateError('not a readable PEM certificate');
  }
}
