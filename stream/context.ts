// What every relay request handler shares: config, secrets, mounts, the clock and an event bus
// for logs, metrics and (later) the gateway's rate limiter.
import { EventEmitter } from 'node:events';
import type { BlockList } from 'node:net';
import type { RelayConfig, ResolvedSecrets } from '../config/schema.ts';
import type { Clock } from './clock.ts';
import { MountRegistry } from './mount-registry.ts';
import { trustList } from './client-ip.ts';

export interface RelayEvents {
  /** A credential check failed; `probe` when no credentials were sent at all. */
  'auth-failure': [{ channel: 'source' | 'admin'; ip: string; mount?: string; probe: boolean }];
  /** `previousIp`: the address of the source a takeover replaced (stream/takeover.ts). */
  'source-connect': [{ mount: string; ip: string; takeover: boolean; previousIp?: string }];
  /** A request refused before reaching a handler (bad head, timeout, limits). */
  'bad-request': [{ ip: string; reason: string }];
}

export interface RelayContext {
  config: RelayConfig;
  secrets: ResolvedSecrets;
  registry: MountRegistry;
  clock: Clock;
  events: EventEmitter<RelayEvents>;
  trust: BlockList;
  startedAt: number;
}

export function createContext(config: RelayConfig, secrets: ResolvedSecrets, clock: Clock): RelayContext {
  return {
    config,
    secrets,
    registry: new MountRegistry(config, clock),
    clock,
    events: new EventEmitter<RelayEvents>(),
    trust: trustList(config.trustedProxies),
    startedAt: clock.now(),
  };
}
