// MountStats as the relay reports them, for tests of the pure views built on them (Icecast XML,
// status-json, the listening page's mount list). Tests override what they are about.
import type { MountStats } from '../../stream/types.ts';

/** A live MP3 mount fed by a source client, with no listeners and nothing sent yet. */
export function liveMountStats(mount: string, over: Partial<MountStats> = {}): MountStats {
  return {
    mount,
    live: true,
    hidden: false,
    public: false,
    contentType: 'audio/mpeg',
    codec: 'mp3',
    sourceKind: 'source',
    sourceIp: '127.0.0.1',
    userAgent: 'Lavf/58.24.100',
    description: { extra: {} },
    audioInfo: {},
    title: '',
    artist: '',
    streamStart: null,
    listeners: 0,
    listenerPeak: 0,
    maxListeners: -1,
    slowListeners: 0,
    bytesRead: 0,
    bytesSent: 0,
    sourceReconnects: 0,
    fallbackMount: null,
    ...over,
  };
}

/** A configured mount with no source. */
export function idleMountStats(mount: string, over: Partial<MountStats> = {}): MountStats {
  return liveMountStats(mount, { live: false, contentType: null, codec: null, sourceKind: null, sourceIp: null, userAgent: null, ...over });
}
