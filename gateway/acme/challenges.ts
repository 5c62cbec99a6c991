// The answers the ACME server's validator asks for while an order is open (RFC 8555 §8):
// HTTP-01 key authorizations by token, served on the plain listener port under
// /.well-known/acme-challenge/, and TLS-ALPN-01 certificates by name (RFC 8737), presented on the
// TLS listener port to a client that offers only the "acme-tls/1" protocol.
import tls from 'node:tls';

export const HTTP_CHALLENGE_PREFIX = '/.well-known/acme-challenge/';
export const ACME_TLS_ALPN = 'acme-tls/1';

/** RFC 8555 §8.3: the token is base64url, no padding. */
const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

export class ChallengeBoard {
  readonly #http = new Map<string, string>();
  readonly #alpn = new Map<string, tls.SecureContext>();

  setHttp(token: string, keyAuthorization: string): void {
    if (!TOKEN.test(token)) throw new Error(`ACME token is not base64url: ${JSON.stringify(token.slice(0, 40))}`);
    this.#http.set(token, keyAuthorization);
  }

  removeHttp(token: string): void {
    this.#http.delete(token);
  }

  /** The body for a GET of this path, or null when it is not an open HTTP-01 challenge. */
  httpAnswer(path: string): string | null {
    if (!path.startsWith(HTTP_CHALLENGE_PREFIX)) return null;
    return this.#http.get(path.slice(HTTP_CHALLENGE_PREFIX.length)) ?? null;
  }

  setAlpn(name: string, pair: { certPem: string; keyPem: string }): void {
    this.#alpn.set(name.toLowerCase(), tls.createSecureContext({ cert: pair.certPem, key: pair.keyPem }));
  }

  removeAlpn(name: string): void {
    this.#alpn.delete(name.toLowerCase());
  }

  /** The TLS-ALPN-01 certificate for this server name, or null. */
  alpnContext(servername: string): tls.SecureContext | null {
    return this.#alpn.get(servername.toLowerCase()) ?? null;
  }

  get hasAlpn(): boolean {
    return this.#alpn.size > 0;
  }

  get open(): number {
    return this.#http.size + this.#alpn.size;
  }
}

/** True when a path is under the challenge prefix: such requests are the board's, answered or 404. */
export function isChallengePath(path: string): boolean {
  return path.startsWith(HTTP_CHALLENGE_PREFIX);
}
