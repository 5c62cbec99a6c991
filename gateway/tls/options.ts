// TLS settings of every gateway port: Mozilla's "intermediate" profile (ssl-config-generator
// guidelines 6.0, docs/gateway-security.md#tls-profile). Node's defaults also allow CBC-SHA256/384 suites and
// OpenSSL's HIGH list, so the list is set explicitly. Pure.
import type tls from 'node:tls';
import type { KeyAndCert } from './certs.ts';

/** TLS 1.3 suites first (OpenSSL takes them from the same string in Node), then TLS 1.2 AEAD suites with forward secrecy. */
export const INTERMEDIATE_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export const INTERMEDIATE: Readonly<tls.SecureContextOptions> = {
  minVersion: 'TLSv1.2',
  ciphers: INTERMEDIATE_CIPHERS,
  // X25519MLKEM768 needs OpenSSL 3.5; Node 20 ships 3.0.
  ecdhCurve: 'X25519:P-256:P-384',
  // Mozilla: server_preferred_order false, so clients without AES hardware may pick ChaCha20.
  honorCipherOrder: false,
};

/** Secure-context options for a port; `caPem` restricts client certificates to that CA (admin port). */
export function secureOptions(pair: KeyAndCert, caPem: string | null = null): tls.SecureContextOptions {
  return { ...INTERMEDIATE, key: pair.keyPem, cert: pair.certPem, ...(caPem === null ? {} : { ca: [caPem] }) };
}
