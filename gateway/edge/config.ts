// The edge's fan-out settings, as a relay config made by the relay's own schema (so defaults and
// bounds are the relay's). The gateway serves the relay's listeners, so what a listener sees of a
// mount (burst, queue, ICY interval, limits) comes from gateway.yaml's relay section, the grace
// while the pull reconnects from gateway.hold.players; what only concerns sources or fallbacks stays with the upstream.
import { relaySchema, type RelayConfig } from '../../config/schema.ts';

/**
 * Mounts the edge pulls at once (each pull holds a source slot of the edge's registry). As many
 * as a master's stream list may carry (relay/pull/streamlist.ts MAX_LISTED_MOUNTS).
 */
export const EDGE_MAX_MOUNTS = 1000;

/**
 * `holdPlayers`: gateway.hold.players, the edge mounts' grace period (players held while a pull
 * reconnects); default the relay's sourceGrace.
 */
export function edgeRelayConfig(relay: RelayConfig, holdPlayers: number = relay.limits.sourceGrace): RelayConfig {
  const l = relay.limits;
  const mounts = Object.fromEntries(
    Object.entries(relay.mounts).map(([name, m]) => [
      name,
      {
        maxListeners: m.maxListeners,
        maxListenerDuration: m.maxListenerDuration,
        metadataInterval: m.metadataInterval,
        burstSize: m.burstSize,
        queueSize: m.queueSize,
        sourceTimeout: m.sourceTimeout,
      },
    ]),
  );
  return relaySchema.parse({
    limits: {
      clients: l.clients,
      sources: EDGE_MAX_MOUNTS,
      queueSize: l.queueSize,
      burstSize: l.burstSize,
      burstSeconds: l.burstSeconds,
      headerTimeout: l.headerTimeout,
      sourceTimeout: l.sourceTimeout,
      sourceGrace: holdPlayers,
    },
    mounts,
  });
}
