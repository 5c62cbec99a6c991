// A gateway edge's pull announces itself with X-Icegate-Edge and the relay (or admin) credentials.
// Only then is it fed without being counted: anyone else claiming the header is an ordinary
// listener, so a player cannot hide from the limits or the listener lists by sending it.
import { parseBasic } from '../../stream/basic-auth.ts';
import { credentialsAllowed } from '../admin/auth.ts';
import type { RelayContext } from '../../stream/context.ts';
import type { ListenerIdentity } from '../../stream/listen.ts';
import { EDGE_PULL_HEADER, gatewayId } from '../../contracts/edge.ts';

export function edgePullIdentity(ctx: RelayContext, get: (name: string) => string | undefined): Pick<ListenerIdentity, 'edgePull'> {
  const id = get(EDGE_PULL_HEADER);
  if (id === undefined || !gatewayId.safeParse(id).success) return {};
  return credentialsAllowed(ctx, parseBasic(get('authorization')), { relay: true }) ? { edgePull: id } : {};
}
