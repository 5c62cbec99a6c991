// The relay's Prometheus metrics, one Registry per relay (several relays may share a process, so
// prom-client's global registry is never used). Mount figures are read from mount.stats() when
// Prometheus scrapes, through collect() callbacks: nothing on the data path knows about metrics.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MountStats } from '../../stream/types.ts';
import type { RelayContext } from '../../stream/context.ts';
import type { PulledMount } from '../pull/service.ts';
import { registerHoldMetrics } from './hold.ts';
import { registerCertificateMetrics } from './certificate.ts';

/** What the metrics read besides the mounts; services started after the route fill it in. */
export interface MetricsFeeds {
  /** Mounts pulled from other servers, with their reconnection counts. */
  pulls?: () => readonly PulledMount[];
}

interface PerMountMetric {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  value: (s: MountStats) => number;
}

/** Every per-mount series, labelled {mount}. Counters mirror the mount's own running totals. */
export const PER_MOUNT_METRICS: readonly PerMountMetric[] = [
  { name: 'icegate_listeners', type: 'gauge', help: 'Listeners connected to the mount now.', value: (s) => s.listeners },
  { name: 'icegate_listener_peak', type: 'gauge', help: 'Most listeners the mount has had at once.', value: (s) => s.listenerPeak },
  { name: 'icegate_bytes_received_total', type: 'counter', help: 'Bytes received from the mount\'s sources.', value: (s) => s.bytesRead },
  { name: 'icegate_bytes_sent_total', type: 'counter', help: 'Bytes written to the mount\'s listeners.', value: (s) => s.bytesSent },
  {
    name: 'icegate_slow_listener_drops_total',
    type: 'counter',
    help: 'Listeners dropped for falling further behind than queueSize (Icecast slow_listeners).',
    value: (s) => s.slowListeners,
  },
  {
    name: 'icegate_source_reconnects_total',
    type: 'counter',
    help: 'Sources that came back to the mount after it had one (takeovers, returns within the grace period, relays reconnecting).',
    value: (s) => s.sourceReconnects,
  },
];

/** Rejected credentials by channel, counted by the route from its creation (before prom-client is loaded). */
export type AuthFailureCounts = Record<'source' | 'admin', number>;

export function createRelayRegistry(ctx: RelayContext, feeds: MetricsFeeds = {}, authFailures: AuthFailureCounts = { source: 0, admin: 0 }): Registry {
  const register = new Registry();
  const registers = [register];
  // The event-loop delay histogram samples with a timer; prom-client's 10 ms default wakes an idle
  // relay 100 times a second (measured: a third more CPU with one source and no listeners). 100 ms still
  // catches any stall a listener could notice.
  collectDefaultMetrics({ register, eventLoopMonitoringPrecision: 100 });
  const mounts = (): MountStats[] => ctx.registry.list().map((m) => m.stats());

  for (const def of PER_MOUNT_METRICS) {
    const common = { name: def.name, help: def.help, labelNames: ['mount'] as const, registers };
    if (def.type === 'gauge') {
      new Gauge({
        ...common,
        collect(this: Gauge<'mount'>) {
          this.reset();
          for (const s of mounts()) this.set({ mount: s.mount }, def.value(s));
        },
      });
    } else {
      new Counter({
        ...common,
        collect(this: Counter<'mount'>) {
          // A counter cannot be set; reset + inc publishes the mount's own running total.
          this.reset();
          for (const s of mounts()) this.inc({ mount: s.mount }, def.value(s));
        },
      });
    }
  }

  new Counter({
    name: 'icegate_relay_reconnects_total',
    help: 'Connection attempts to the upstream of a pulled mount after the first (relays and master mirroring).',
    labelNames: ['mount'] as const,
    registers,
    collect(this: Counter<'mount'>) {
      this.reset();
      for (const p of feeds.pulls?.() ?? []) this.inc({ mount: p.mount }, p.stats.reconnects);
    },
  });

  new Counter({
    name: 'icegate_source_takeovers_total',
    help: 'Live sources replaced by a new connection with the same credentials after relay.limits.takeoverAfter seconds of silence.',
    labelNames: ['mount'] as const,
    registers,
    collect(this: Counter<'mount'>) {
      this.reset();
      for (const m of ctx.registry.list()) this.inc({ mount: m.name }, m.takeovers);
    },
  });

  new Gauge({
    name: 'icegate_sources',
    help: 'Mounts with a live source.',
    registers,
    collect(this: Gauge) {
      this.set(ctx.registry.liveSources());
    },
  });

  new Counter({
    name: 'icegate_auth_failures_total',
    help: 'Rejected credentials, by channel. Requests without any credentials (client probes) are not counted.',
    labelNames: ['channel'] as const,
    registers,
    collect(this: Counter<'channel'>) {
      this.reset();
      for (const [channel, n] of Object.entries(authFailures)) this.inc({ channel }, n);
    },
  });

  registerHoldMetrics(ctx, registers);
  registerCertificateMetrics(ctx, registers);
  return register;
}
