// Who the gateway is towards its upstream (gateway.upstreamAuth): the credentials of the edge's
// pulls and of the channel that reports its listeners. Left null, a gateway in front of its own
// config's relay core uses that relay's relay user (the password from <stateDir>/secrets.yaml);
// in front of anything else it sends none, as before.
import type { Config, ResolvedSecrets } from '../../config/schema.ts';
import type { Credentials } from '../../stream/pull/upstream.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;
const WILDCARD = new Set(['0.0.0.0', '::']);

/** gateway.upstream is this config's relay core (relay.host:relay.port, loopback for a wildcard bind). */
export function upstreamIsOwnRelay(config: Config): boolean {
  const u = new URL(config.gateway.upstream);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port === '' ? 80 : Number(u.port);
  if (port !== config.relay.port) return false;
  const relayHost = config.relay.host;
  if (host === relayHost) return true;
  return LOOPBACK.test(host) && (WILDCARD.has(relayHost) || LOOPBACK.test(relayHost));
}

/** `secrets`: this config's relay core's, given only when the upstream is that core (upstreamIsOwnRelay, or the supervisor says so). */
export function upstreamCredentials(config: Config, secrets: ResolvedSecrets | null): Credentials | null {
  const given = config.gateway.upstreamAuth;
  if (given) return { username: given.username, password: given.password };
  if (secrets === null) return null;
  return { username: config.relay.auth.relayUser, password: secrets.relayPassword };
}
