// What the ACME tests against Pebble share: the domain they order for, the test function that
// skips (naming the Debian package) when Pebble is missing, and a TLS client that reports the
// certificate a port presents for the domain and whether it verifies against a given root.
// Pebble itself is started by test/helpers/pebble.ts.
import test from 'ava';
import { once } from 'node:events';
import tls from 'node:tls';
import { PEBBLE_MISSING } from '../helpers/pebble.ts';

export const DOMAIN = 'radio.test';

/** Serial (Pebble's validator ports are fixed per instance), or skipped with the package named. */
export const ptest = PEBBLE_MISSING === null ? test.serial : test.skip;

/** Says once per file why its tests are skipped. */
export function sayIfSkipped(file: string): void {
  if (PEBBLE_MISSING !== null) console.log(`${file}: skipped, ${PEBBLE_MISSING}`);
}

export interface Peer {
  authorized: boolean;
  error: string | null;
  /** The issuer's common name. */
  issuer: string;
  fingerprint: string;
}

/** A TLS handshake with `port` for DOMAIN: verified against `ca` when given, else not verified. */
export async function peer(port: number, ca?: string): Promise<Peer> {
  const socket = tls.connect({ host: '127.0.0.1', port, servername: DOMAIN, ...(ca ? { ca } : { rejectUnauthorized: false }) });
  await once(socket, 'secureConnect');
  const cert = socket.getPeerCertificate();
  const out = { authorized: socket.authorized, error: socket.authorizationError ? String(socket.authorizationError) : null, issuer: String(cert.issuer.CN ?? ''), fingerprint: cert.fingerprint256 };
  socket.destroy();
  return out;
}
