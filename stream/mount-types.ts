// The types around a Mount (mount.ts) that need no Mount: its settings, why a source ended, and
// the listener sessions it counts.
import type { Framer, ListenerStats } from './types.ts';
import type { Listener } from './listener.ts';
import type { MountOverrides } from './source-headers.ts';

export interface MountSettings {
  /** Bytes (Icecast's burst-size), winning over burstSeconds; null = burstSeconds decides (stream/burst.ts). */
  burstSize: number | null;
  /** Seconds of audio a new listener starts behind the live edge, in bytes from the mount's bitrate. */
  burstSeconds: number;
  queueSize: number;
  /** Seconds without source data before the source is dropped. */
  sourceTimeout: number;
  maxListeners: number;
  maxListenerDuration: number;
  metadataInterval: number;
  fallbackMount: string | null;
  fallbackOverride: boolean;
  fallbackWhenFull: boolean;
  hidden: boolean;
  /** Operator overrides of what the source says about itself. */
  overrides: MountOverrides;
}

export type SourceEndReason = 'eof' | 'timeout' | 'killed' | 'replaced' | 'error';

/**
 * A listener that is not a socket reading the queue (an HLS player fetching segments): counted,
 * listed, limited and kicked with the others. Whoever keeps it (relay/hls) ends it when idle.
 */
export interface ListenerSession {
  readonly id: number;
  stats(): ListenerStats;
  /** The mount let it go (kicked, source gone). */
  ended(reason: string): void;
}

/** What a source feeds its mount through; M is the Mount (mount.ts), generic to keep this file a leaf. */
export interface SourceHandleOf<M> {
  readonly mount: M;
  /** Feed source bytes. Returns false once the handle is no longer the mount's source. */
  write(data: Buffer): boolean;
  end(reason: SourceEndReason): void;
  readonly active: boolean;
}

/** The events of a Mount M. */
export interface MountEventsOf<M> {
  'source-start': [mount: M];
  'source-end': [mount: M, reason: SourceEndReason];
  /** The grace period expired without the source returning. */
  'source-gone': [mount: M];
  'listener-add': [mount: M, listener: Listener];
  'listener-remove': [mount: M, listener: Listener, reason: string];
  'slow-listener': [mount: M, listener: Listener];
  'session-add': [mount: M, session: ListenerSession];
  'session-remove': [mount: M, session: ListenerSession, reason: string];
  title: [mount: M, title: string];
  /** Aligned source bytes as the framer emitted them, before coalescing (HLS segmenting). */
  audio: [mount: M, data: Buffer, codec: Framer['codec']];
}
