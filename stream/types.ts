// The relay core's public vocabulary. HTTP handlers, the admin API, the gateway's edge and the
// dashboard depend on these types, never on how mounts are stored.

/** What a mount carries, as far as listener alignment and ICY are concerned. */
export type Codec = 'mp3' | 'aac' | 'vorbis' | 'opus' | 'ogg' | 'other';

/**
 * A run of stream bytes as listeners receive it. `sync` marks a chunk that starts on a boundary a
 * new listener may start at: an MP3/ADTS frame header or an Ogg page (for Ogg, after the stored
 * codec header pages have been sent).
 */
export interface Chunk {
  readonly data: Buffer;
  readonly sync: boolean;
}

/** Properties learnt from the stream itself (frame headers, Ogg identification headers). */
export interface AudioInfo {
  samplerate?: number;
  channels?: number;
  /** kbit/s, from MP3 frame headers (first frame seen). */
  bitrate?: number;
}

/**
 * Splits an incoming byte stream into aligned chunks. Stateful, but free of I/O, so the relay,
 * the gateway's edge and the file-backed mount feed it the same way whatever the input is.
 */
export interface Framer {
  readonly codec: Codec;
  /** Feed raw source bytes; returns the chunks now complete (possibly none). */
  push(data: Buffer): Chunk[];
  /**
   * Ogg only: the codec header pages (BOS pages first, then the other header pages) that every
   * new listener must receive before audio. null until complete, and for non-Ogg streams.
   * A new logical stream (chained Ogg) replaces them.
   */
  headerPages(): Buffer | null;
  /** A counter that changes whenever headerPages() changes, so listeners know to resend. */
  headerGeneration(): number;
  audioInfo(): AudioInfo;
  /**
   * The bitrate in kbit/s measured from the frames so far (their bytes over their decoded
   * duration), once a second of audio was seen; null before, and for formats that cannot tell.
   */
  measuredKbps?(): number | null;
  /** Bytes dropped because they were not part of any frame/page (garbage, resync). */
  droppedBytes(): number;
}

/** Source-provided description of a stream (ice-* / icy-* headers), see docs/icecast-compatibility.md#source-headers. */
export interface StreamDescription {
  name?: string;
  description?: string;
  genre?: string;
  url?: string;
  public?: boolean;
  bitrate?: number;
  /** Raw ice-audio-info value, passed through to listeners. */
  audioInfo?: string;
  /** Other ice-X / icy-X headers, as listener header name (icy-X) → value. */
  extra: Record<string, string>;
}

export interface SourceInfo {
  contentType: string;
  ip: string;
  userAgent: string;
  description: StreamDescription;
  /** 'source' for a pushing client, 'relay' for a pulled upstream, 'file' for a looped file. */
  kind: 'source' | 'relay' | 'file';
}

export interface ListenerStats {
  id: number;
  ip: string;
  userAgent: string;
  /** ms since epoch */
  connectedAt: number;
  bytesSent: number;
  /** The mount the listener is on now (after moves and fallbacks). */
  mount: string;
  /** How the listener authenticated: 'anonymous', 'token', 'htpasswd', 'webhook' … */
  auth: string;
  username?: string;
  /** The link (contracts/links.ts) the listener came with, when it came with one. */
  linkId?: string;
  linkLabel?: string;
}

export interface MountStats {
  mount: string;
  live: boolean;
  hidden: boolean;
  public: boolean;
  contentType: string | null;
  codec: Codec | null;
  sourceKind: SourceInfo['kind'] | null;
  sourceIp: string | null;
  userAgent: string | null;
  description: StreamDescription;
  audioInfo: AudioInfo;
  title: string;
  artist: string;
  /** ms since epoch, null when no source. */
  streamStart: number | null;
  listeners: number;
  listenerPeak: number;
  maxListeners: number;
  slowListeners: number;
  bytesRead: number;
  bytesSent: number;
  sourceReconnects: number;
  fallbackMount: string | null;
}
