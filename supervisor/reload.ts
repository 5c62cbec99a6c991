// What a configuration reload does to each component: nothing, apply live, or restart. Pure: the
// old and the new (already validated) configuration in, a plan and its words for the operator out.
// Restarting the relay or the gateway drops its connections, so only what cannot be swapped at
// run time restarts them (supervisord `update` restarts only the programs whose section changed).
import { isDeepStrictEqual } from 'node:util';
import type { ComponentConfig, Config } from '../config/schema.ts';
import { unlistedMounts } from '../config/unlisted-mounts.ts';

export type Treatment = 'unchanged' | 'live' | 'restart';

export interface ReloadPlan {
  relay: Treatment;
  gateway: Treatment;
  /** Extra components: started, stopped (removed), restarted with their new definition. */
  add: string[];
  remove: string[];
  restart: string[];
  /** One line per decision, for the reload report and the audit log. */
  notes: string[];
}

/**
 * Relay keys that need a new process: sockets (host, port, shoutcast), credentials read at
 * start, and the pull, file and HLS services built at start. Everything else under relay
 * (mounts' settings, limits, hostname, location, admin, trustedProxies) is swapped live by
 * MountRegistry.reconfigure without touching a connection.
 */
const RELAY_RESTART_KEYS = ['host', 'port', 'auth', 'relays', 'master', 'shoutcast', 'hls'] as const;

/**
 * Gateway keys the running gateway swaps itself (gateway/live-settings.ts): listener
 * authentication, keys, limits, credential thresholds, privacy. The rest (listener, source,
 * admin, tls, upstream, upstreamAuth) is bound at start; of rateLimit, the store and its Redis
 * URL are (the limiter's client), the rest is live.
 */
const GATEWAY_LIVE_KEYS: ReadonlySet<string> = new Set(['mounts', 'tokens', 'limits', 'privacy', 'rateLimit']);

const changed = (a: unknown, b: unknown): boolean => !isDeepStrictEqual(a, b);

/** The changed gateway keys, as key paths, split into what the gateway applies live and what restarts it. */
function gatewayChanges(old: Config['gateway'], next: Config['gateway']): { live: string[]; restart: string[] } {
  const live: string[] = [];
  const restart: string[] = [];
  for (const k of Object.keys(next) as (keyof Config['gateway'])[]) {
    if (!changed(old[k], next[k])) continue;
    if (k === 'rateLimit') {
      const bound = (['store', 'redis'] as const).filter((r) => changed(old.rateLimit[r], next.rateLimit[r]));
      restart.push(...bound.map((r) => `gateway.rateLimit.${r}`));
      if (changed({ ...old.rateLimit, store: null, redis: null }, { ...next.rateLimit, store: null, redis: null })) live.push('gateway.rateLimit');
    } else (GATEWAY_LIVE_KEYS.has(k) ? live : restart).push(`gateway.${k}`);
  }
  return { live, restart };
}

export function planReload(old: Config, next: Config): ReloadPlan {
  const notes: string[] = [];
  const stateMoved = changed(old.stateDir, next.stateDir);
  const relayRestartKeys: string[] = RELAY_RESTART_KEYS.filter((k) => changed(old.relay[k], next.relay[k])).map((k) => `relay.${k}`);
  // A mount's file is opened when the relay starts.
  for (const name of new Set([...Object.keys(old.relay.mounts), ...Object.keys(next.relay.mounts)])) {
    if (changed(old.relay.mounts[name]?.file ?? null, next.relay.mounts[name]?.file ?? null)) relayRestartKeys.push(`relay.mounts.${name}.file`);
  }
  if (stateMoved) relayRestartKeys.push('stateDir');
  const useRelay = next.supervisor.useRelay;
  const useRelayChanged = old.supervisor.useRelay !== useRelay;
  let relay: Treatment = 'unchanged';
  if (useRelay && !useRelayChanged) {
    if (relayRestartKeys.length > 0) {
      relay = 'restart';
      notes.push(`relay: restart (${relayRestartKeys.join(', ')} changed)`);
    } else if (changed(old.relay, next.relay)) {
      relay = 'live';
      notes.push('relay: settings applied live, no connection dropped');
    } else if (changed(unlistedMounts(old.gateway.mounts), unlistedMounts(next.gateway.mounts))) {
      // The relay's public listings leave out the gateway's private mounts.
      relay = 'live';
      notes.push('relay: public listings follow gateway.mounts, applied live');
    }
  } else if (useRelayChanged) {
    relay = 'restart';
    notes.push(useRelay ? 'relay: started (supervisor.useRelay is now true)' : 'relay: stopped (supervisor.useRelay is now false)');
  }

  const gatewayKeys = gatewayChanges(old.gateway, next.gateway);
  const why = [...gatewayKeys.restart, ...(stateMoved ? ['stateDir'] : []), ...(useRelayChanged ? ['supervisor.useRelay'] : []), ...(relay === 'restart' && changed(old.relay.port, next.relay.port) ? ['relay.port'] : [])];
  let gateway: Treatment = 'unchanged';
  if (why.length > 0) {
    // A restart starts from the new file, so the live keys come with it.
    gateway = 'restart';
    notes.push(`gateway: restart (${why.join(', ')} changed)`);
  } else if (gatewayKeys.live.length > 0) {
    gateway = 'live';
    notes.push(`gateway: ${gatewayKeys.live.join(', ')} applied live, no connection dropped`);
  }

  const before = new Map(old.supervisor.components.map((c) => [c.name, c]));
  const after = new Map(next.supervisor.components.map((c) => [c.name, c]));
  const add = [...after.keys()].filter((n) => !before.has(n));
  const remove = [...before.keys()].filter((n) => !after.has(n));
  const restart = [...after.keys()].filter((n) => before.has(n) && changed(before.get(n) as ComponentConfig, after.get(n)));
  for (const n of add) notes.push(`${n}: added, starting`);
  for (const n of remove) notes.push(`${n}: removed, stopping`);
  for (const n of restart) notes.push(`${n}: definition changed, restarting`);

  if (changed(old.supervisor.readOnly, next.supervisor.readOnly)) notes.push(`supervisor.readOnly: now ${next.supervisor.readOnly}`);
  if (changed(old.supervisor.logs, next.supervisor.logs)) notes.push('supervisor.logs: applies to the next rotation');
  if (changed(old.supervisor.runtimeDir, next.supervisor.runtimeDir)) notes.push('supervisor.runtimeDir: takes effect at the next "icegate start"; the socket stays where it is');
  if (changed(old.station, next.station)) notes.push('station.name: shown by the dashboard now; the relay\'s pages take it at its next restart');
  if (notes.length === 0) notes.push('nothing changed');
  return { relay, gateway, add, remove, restart, notes };
}
