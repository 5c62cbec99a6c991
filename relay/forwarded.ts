// Who a request to the relay core comes from. Forwarding fields are believed only when the peer is
// in relay.trustedProxies AND the request carries this relay's forward key (contracts/forward-key.ts):
// on loopback any local process has the gateway's address, so the address alone proves nothing.
// The key is taken out of the request here, before any route, log or status sees it.
import { BlockList } from 'node:net';
import type http from 'node:http';
import type { RelayContext } from '../stream/context.ts';
import { resolveClient, type Forwarded } from '../stream/client-ip.ts';
import { carriesForwardKey, FORWARD_KEY_HEADER } from '../contracts/forward-key.ts';

const keys = new WeakMap<RelayContext['registry'], string>();
/** A trust list nobody is on. */
const NOBODY = new BlockList();

/** null: no key, so no forwarding field is believed (a relay run without a gateway). */
export function setForwardKey(ctx: Pick<RelayContext, 'registry'>, key: string | null): void {
  if (key === null) keys.delete(ctx.registry);
  else keys.set(ctx.registry, key);
}

/** The client of a request whose head is read field by field (`header` takes lower-case names). */
export function clientOf(ctx: RelayContext, peer: string | undefined, header: (name: string) => string | undefined): Forwarded {
  const vouched = carriesForwardKey(keys.get(ctx.registry) ?? null, header(FORWARD_KEY_HEADER));
  return resolveClient(vouched ? ctx.trust : NOBODY, peer, header);
}

/** The client of a request Node parsed; the key field is deleted from its headers. */
export function clientOfRequest(ctx: RelayContext, req: http.IncomingMessage): Forwarded {
  const client = clientOf(ctx, req.socket.remoteAddress, (n) => {
    const v = req.headers[n];
    return Array.isArray(v) ? v[0] : v;
  });
  delete req.headers[FORWARD_KEY_HEADER];
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i]!.toLowerCase() === FORWARD_KEY_HEADER) req.rawHeaders.splice(i, 2);
  }
  return client;
}
