// Reading certificates: what the dashboard shows (expiry, subject, fingerprint) and the checks
// before a certificate is put into service. Parsing is OpenSSL's (Node's X509Certificate); forge
// is asked only for the signature algorithm, which Node 20 does not expose. Chains are never
// verified here: that is the TLS stack's job (research gateway.md §6.1).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import type { KeyAndCert } from './certs.ts';

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
  /** "DNS:localhost, IP Address:127.0.0.1, …"; null when absent. */
  readonly subjectAltName: string | null;
  readonly isCa: boolean;
}

export class CertificateError extends Error {}

export function certificateInfo(certPem: string): CertInfo {
  const x509 = parse(certPem);
  const forgeCert = forge.pki.certificateFromPem(certPem);
  const oid = forgeCert.siginfo.algorithmOid;
  return {
    subject: x509.subject,
    issuer: x509.issuer,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
    signatureAlgorithm: forge.pki.oids[oid] ?? oid,
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

function parse(certPem: string): X509Certificate {
  try {
    return new X509Certificate(certPem);
  } catch {
    throw new CertificateError('not a readable PEM certificate');
  }
}
