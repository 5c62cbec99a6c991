// The pin of a server certificate: RFC 7469 §2.4 pin-sha256, base64(SHA-256(SubjectPublicKeyInfo
// DER)). Node's getPeerCertificate().pubkey is the bare key (for EC, the curve point), not the
// SPKI, so the SPKI is taken from the parsed certificate.
import { X509Certificate, createHash } from 'node:crypto';

export function spkiPin(certificate: Buffer | string): string {
  const spki = new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}
