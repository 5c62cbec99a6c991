// The pieces of StateSnapshot that are computed rather than read: mount views that merge what the
// relay and the gateway's edge report, their listener and bandwidth history, and overall health.
// Pure; main.ts feeds it and the control server serves the result.
import type { MountStats } from '../stream/types.ts';
import type { ComponentView, MountView, SecurityReason, SecurityView } from '../contracts/control-api.ts';
import type { RelaySources } from '../contracts/source-stats.ts';
import { sourceView, type SourceReconnects } from './source-view.ts';

/** What the relay answers to `snapshot`. */
export interface RelayReport {
  mounts: MountStats[];
  /** Players per mount, the gateway's pulls not counted. */
  listeners: Record<string, number>;
  /** Each live source's figures (relay/source-tracker.ts); absent from an older relay. */
  sources?: RelaySources | null;
}

/** What the gateway answers to `snapshot`. */
export interface GatewayReport {
  security: SecurityView | null;
  /** Bytes its edge sent to listeners, per mount (the relay counts the listeners themselves). */
  bytesSent: Record<string, number>;
}

export const HISTORY_LENGTH = 120;

const REASONS: readonly SecurityReason[] = ['blocked-method', 'admin-path', 'bad-credentials', 'rate-limited', 'banned', 'bad-request', 'other'];

export function emptySecurity(): SecurityView {
  return { counts: Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<SecurityReason, number>, recent: [], bans: [], certificate: null };
}

/** Listener counts and bytes-per-second per mount, one sample per interval, oldest first. */
export class MountHistory {
  #listeners = new Map<string, number[]>();
  #bandwidth = new Map<string, number[]>();
  #lastBytes = new Map<string, { bytes: number; at: number }>();

  sample(mounts: readonly { mount: string; listeners: number; bytesSent: number }[], now: number): void {
    for (const m of mounts) {
      push(this.#listeners, m.mount, m.listeners);
      const last = this.#lastBytes.get(m.mount);
      const rate = last && now > last.at && m.bytesSent >= last.bytes ? Math.round(((m.bytesSent - last.bytes) * 1000) / (now - last.at)) : 0;
      push(this.#bandwidth, m.mount, rate);
      this.#lastBytes.set(m.mount, { bytes: m.bytesSent, at: now });
    }
  }

  listeners(mount: string): number[] {
    return [...(this.#listeners.get(mount) ?? [])];
  }

  bandwidth(mount: string): number[] {
    return [...(this.#bandwidth.get(mount) ?? [])];
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const series = map.get(key) ?? [];
  series.push(value);
  if (series.length > HISTORY_LENGTH) series.shift();
  map.set(key, series);
}

/**
 * The relay counts every player: its own stream listeners, HLS players and the listeners the
 * gateway's edge reports to it (relay/edge/), each under one relay id.
 */
export function mountTotals(relay: RelayReport | null, gateway: GatewayReport | null): { mount: string; listeners: number; bytesSent: number }[] {
  if (relay === null) return [];
  return relay.mounts.map((m) => ({
    mount: m.mount,
    listeners: relay.listeners[m.mount] ?? m.listeners,
    // The relay's bytes include what it sends the edge; the edge's are what players receive.
    bytesSent: gateway?.bytesSent[m.mount] ?? m.bytesSent,
  }));
}

export function mountViews(relay: RelayReport | null, gateway: GatewayReport | null, history: MountHistory, reconnects?: SourceReconnects): MountView[] {
  if (relay === null) return [];
  const totals = new Map(mountTotals(relay, gateway).map((t) => [t.mount, t]));
  return relay.mounts.map((m) => ({
    mount: m.mount,
    live: m.live,
    hidden: m.hidden,
    sourceKind: m.live ? m.sourceKind : null,
    sourceIp: m.sourceIp,
    userAgent: m.userAgent,
    contentType: m.contentType,
    format: m.codec,
    bitrate: m.audioInfo.bitrate ?? m.description.bitrate ?? null,
    name: m.description.name ?? null,
    title: m.title,
    streamStart: m.streamStart === null ? null : new Date(m.streamStart).toISOString(),
    listeners: totals.get(m.mount)?.listeners ?? m.listeners,
    listenerPeak: Math.max(m.listenerPeak, totals.get(m.mount)?.listeners ?? 0),
    slowListeners: m.slowListeners,
    bytesSent: totals.get(m.mount)?.bytesSent ?? m.bytesSent,
    listenerHistory: history.listeners(m.mount),
    bandwidthHistory: history.bandwidth(m.mount),
    source: sourceView(m, relay.sources?.mounts[m.mount] ?? null, reconnects?.of(m.mount) ?? 0),
  }));
}

export function overallHealth(components: readonly ComponentView[], security: SecurityView): 'ok' | 'degraded' | 'down' {
  const core = components.filter((c) => c.kind !== 'command');
  if (core.some((c) => c.state !== 'running')) return 'down';
  const others = components.filter((c) => c.kind === 'command');
  if (others.some((c) => c.state !== 'running' && c.state !== 'stopped')) return 'degraded';
  if (security.certificate !== null && security.certificate.daysLeft <= 14) return 'degraded';
  return 'ok';
}
