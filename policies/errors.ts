// The gateway's error catalogue: one stable code per refusal. Policies, limiters and token checks
// name a code; the server turns the entry into a response. Messages are fixed public text: they
// never carry a password, token, hash or any other input, so a body or a log line built from an
// entry cannot leak a secret. Details for the operator go in a decision's `reason`, which is fixed
// text too.

export interface GatewayErrorEntry {
  readonly status: number;
  /** Body text sent to the client. */
  readonly message: string;
  /** When the gateway answers with it; docs/errors.md is generated from these (npm run docs:errors). */
  readonly when: string;
}

export const GW_ERRORS = {
  // Request shape (docs/gateway-security.md#path-canonicalisation and #request-smuggling).
  GW_BAD_TARGET: { status: 400, message: 'Bad request target', when: 'The target is not an origin-form path, or its path is ambiguous (encoded "/" or "\\", dot segments, "//", control characters).' },
  GW_BAD_FRAMING: { status: 400, message: 'Bad request framing', when: 'Content-Length and Transfer-Encoding together, two Content-Lengths, or a Transfer-Encoding other than chunked (request smuggling).' },
  GW_UNEXPECTED_BODY: { status: 400, message: 'Request body not allowed', when: 'A GET, HEAD or OPTIONS request announced a body.' },
  GW_HEADER_TOO_LARGE: { status: 431, message: 'Request header too large', when: 'The request head exceeds the gateway\'s size or line limit.' },
  GW_HEADER_TIMEOUT: { status: 408, message: 'Request header timeout', when: 'The request head did not arrive in time.' },
  // Port roles (docs/gateway-security.md#port-roles: each role has its own port; anything not allowed there is refused).
  GW_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed on this port', when: 'A method the port\'s role does not accept, e.g. PUT or SOURCE on a listener port.' },
  GW_WRONG_PORT: { status: 403, message: 'Not available on this port', when: 'A path that belongs to another role, e.g. /admin/ on a listener port.' },
  GW_NOT_FOUND: { status: 404, message: 'Not found', when: 'A path the gateway neither serves nor forwards.' },
  GW_CLIENT_ADDRESS: { status: 403, message: 'Forbidden', when: 'The client address could not be determined (fail closed).' },
  // Credentials (docs/gateway-security.md#credential-rate-limiting and #signed-stream-links).
  GW_AUTH_REQUIRED: { status: 401, message: 'Authentication required', when: 'A request without credentials where the gateway itself asks for them.' },
  GW_AUTH_FAILED: { status: 401, message: 'Authentication failed', when: 'The credentials were wrong.' },
  GW_RATE_LIMITED: { status: 429, message: 'Too many failed attempts, try again later', when: 'Too many failed credential checks from this address or for this user; carries Retry-After.' },
  GW_CROSS_SITE: { status: 403, message: 'Cross-site request refused', when: 'A browser sent an admin request from a page of another site (Sec-Fetch-Site cross-site or same-site, or a foreign Origin).' },
  GW_CLIENT_CERT_REQUIRED: { status: 403, message: 'Client certificate required', when: 'The admin port requires a certificate from the private CA.' },
  GW_TOKEN_REQUIRED: { status: 403, message: 'This stream is open with a stream link only', when: 'A mount with auth: token was requested without a signed stream URL (never a password prompt).' },
  GW_LISTENER_REFUSED: { status: 403, message: 'Access to this stream was refused', when: 'The listener authentication backend (webhook) did not allow the listener.' },
  GW_AUTH_UNAVAILABLE: { status: 503, message: 'Authentication service unavailable, try again later', when: 'The listener authentication backend (webhook) failed, answered 5xx or did not answer in time (fail closed).' },
  GW_TOKEN_INVALID: { status: 403, message: 'Invalid stream link', when: 'A signed stream URL is malformed, tampered with or signed by an unknown key.' },
  GW_TOKEN_EXPIRED: { status: 403, message: 'This stream link has expired', when: 'A signed stream URL is past its expiry when the stream is opened.' },
  GW_TOKEN_WRONG_MOUNT: { status: 403, message: 'This stream link is for another stream', when: 'A signed stream URL is used for a mount it was not issued for.' },
  GW_TOKEN_REVOKED: { status: 403, message: 'This stream link has been revoked', when: 'The signed stream URL\'s id is on the revocation list.' },
  GW_LINK_CLOSED: { status: 403, message: 'This link no longer opens anything', when: 'A link made with POST /v1/links (icegate link) was revoked or has expired: both answer alike, and players using it are cut.' },
  GW_TOKEN_IN_USE: { status: 429, message: 'This stream link is already in use', when: 'A signed stream URL is at its maximum number of concurrent listeners.' },
  // Abuse limits.
  GW_TOO_MANY_CONNECTIONS: { status: 429, message: 'Too many connections, try again later', when: 'The client opens connections faster than the per-address rate; carries Retry-After. Past the per-address number of open connections a new one is closed at accept, before TLS, with no answer.' },
  GW_TOO_MANY_STREAMS: { status: 429, message: 'Too many streams from this address', when: 'The client address already holds its maximum of concurrent streams.' },
  GW_BANNED: { status: 403, message: 'Forbidden', when: 'The client address is banned by the operator.' },
  // Upstream and internal.
  GW_UPSTREAM_UNAVAILABLE: { status: 502, message: 'Upstream unavailable', when: 'The relay (or Icecast) behind the gateway refused or dropped the connection.' },
  GW_UPSTREAM_TIMEOUT: { status: 504, message: 'Upstream timeout', when: 'The relay (or Icecast) behind the gateway did not accept a source\'s connection within gateway.limits.headerTimeout.' },
  GW_INTERNAL: { status: 500, message: 'Internal error', when: 'An unexpected failure inside the gateway, e.g. the credential rate limiter could not answer (fail closed).' },
} as const satisfies Record<string, GatewayErrorEntry>;

export type GatewayErrorCode = keyof typeof GW_ERRORS;

export const GATEWAY_ERROR_CODES = Object.keys(GW_ERRORS) as GatewayErrorCode[];

export function isGatewayErrorCode(code: string): code is GatewayErrorCode {
  return Object.hasOwn(GW_ERRORS, code);
}

export function gatewayError(code: GatewayErrorCode): GatewayErrorEntry {
  return GW_ERRORS[code];
}
