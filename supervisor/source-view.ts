// The `source` of a MountView (contracts/control-api.ts): the relay's view of the live source and
// its own figures (contracts/source-stats.ts), plus the reconnects counted here, across relay
// restarts. Pure.
import type { SourceView } from '../contracts/control-api.ts';
import type { RelaySources, SourceStats } from '../contracts/source-stats.ts';
import type { MountStats } from '../stream/types.ts';

interface Seen {
  instance: string;
  starts: number;
  /** Sources taken on this mount since the supervisor started, over every relay process. */
  total: number;
}

/**
 * Counts the sources each mount took, from the relay's per-process start counts: a count that grows
 * adds the difference; a new relay process (a restart, with the gateway handing a held source over
 * again) adds all of its own. Every source after the first is a reconnect.
 */
export class SourceReconnects {
  readonly #seen = new Map<string, Seen>();

  update(sources: RelaySources | null): void {
    if (sources === null) return;
    for (const [mount, s] of Object.entries(sources.mounts)) {
      const seen = this.#seen.get(mount);
      if (seen === undefined) this.#seen.set(mount, { instance: sources.instance, starts: s.starts, total: s.starts });
      else if (seen.instance !== sources.instance) Object.assign(seen, { instance: sources.instance, starts: s.starts, total: seen.total + s.starts });
      else if (s.starts > seen.starts) Object.assign(seen, { starts: s.starts, total: seen.total + s.starts - seen.starts });
    }
  }

  of(mount: string): number {
    return Math.max(0, (this.#seen.get(mount)?.total ?? 1) - 1);
  }
}

export function sourceView(m: MountStats, stats: SourceStats | null, reconnects: number): SourceView | null {
  if (!m.live || m.sourceKind === null || m.streamStart === null) return null;
  return {
    kind: m.sourceKind,
    connectedAt: new Date(m.streamStart).toISOString(),
    ip: m.sourceKind === 'file' ? null : m.sourceIp,
    userAgent: m.userAgent === null || m.userAgent === '' ? null : m.userAgent,
    bytesIn: stats?.bytesIn ?? 0,
    measuredKbps: stats?.measuredKbps ?? null,
    declaredKbps: m.description.bitrate ?? m.audioInfo.bitrate ?? null,
    reconnects,
    silent: stats?.silent ?? null,
    silentSince: stats?.silentSince == null ? null : new Date(stats.silentSince).toISOString(),
  };
}
