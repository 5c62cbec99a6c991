// A mount's figures as the status pages, the admin API and the metrics read them (MountStats):
// the source's own description with the operator's overrides applied. Pure.
import type { AudioInfo, Codec, MountStats, SourceInfo } from './types.ts';
import type { MountSettings } from './mount-types.ts';
import { applyMountOverrides } from './source-headers.ts';

/** The public counters of a mount (mount.ts). */
export interface MountCounters {
  readonly name: string;
  readonly settings: MountSettings;
  readonly contentType: string | null;
  readonly title: string;
  readonly listenerCount: number;
  readonly listenerPeak: number;
  readonly slowListeners: number;
  readonly bytesRead: number;
  readonly bytesSent: number;
  readonly sourceReconnects: number;
}

/** What only the mount itself knows: its live source, the last one, and what the framer found. */
export interface MountState {
  readonly source: { readonly info: SourceInfo; readonly codec: Codec; readonly startedAt: number } | null;
  readonly lastInfo: SourceInfo | null;
  readonly audioInfo: AudioInfo;
  readonly artist: string;
}

export function mountStats(m: MountCounters, st: MountState): MountStats {
  const s = st.source;
  const info = s?.info ?? st.lastInfo;
  const description = applyMountOverrides(info?.description ?? { extra: {} }, m.settings.overrides);
  return {
    mount: m.name,
    live: s !== null,
    hidden: m.settings.hidden,
    public: description.public ?? false,
    contentType: m.contentType,
    codec: s?.codec ?? null,
    sourceKind: info?.kind ?? null,
    sourceIp: info?.ip ?? null,
    userAgent: info?.userAgent ?? null,
    description,
    audioInfo: { ...st.audioInfo },
    title: m.title,
    artist: st.artist,
    streamStart: s?.startedAt ?? null,
    listeners: m.listenerCount,
    listenerPeak: m.listenerPeak,
    maxListeners: m.settings.maxListeners,
    slowListeners: m.slowListeners,
    bytesRead: m.bytesRead,
    bytesSent: m.bytesSent,
    sourceReconnects: m.sourceReconnects,
    fallbackMount: m.settings.fallbackMount,
  };
}
