// What the edge's report channel tells the relay of the certificate the TLS ports present: its
// notAfter, for the relay's /metrics (icegate_certificate_expiry_days). Read from the PEM in
// service, parsed again only when it changed (a reload or an ACME renewal swapped it). A PEM that
// cannot be read gives null: a metric never stops the gateway from serving.
import type { EdgeCertificate } from '../../contracts/edge.ts';
import { certificateExpiry } from '../tls/cert-info.ts';

export function certificateFeed(pem: () => string): () => EdgeCertificate | null {
  let seen: string | null = null;
  let facts: EdgeCertificate | null = null;
  return () => {
    let now: string;
    try {
      now = pem();
      if (now === seen) return facts;
      seen = now;
      facts = { notAfter: certificateExpiry(now).getTime() };
    } catch {
      facts = null;
    }
    return facts !== null && Number.isSafeInteger(facts.notAfter) && facts.notAfter >= 0 ? facts : null;
  };
}
