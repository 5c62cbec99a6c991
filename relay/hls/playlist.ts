// The live media playlist (RFC 8216 §4.3, draft-pantos-hls-rfc8216bis §4.4), as text. Version 3
// because EXTINF durations are decimals (§7); no EXT-X-PLAYLIST-TYPE, which a live playlist must
// not carry (bis §6.2.2); no EXT-X-ENDLIST while the mount may go on.

export interface PlaylistEntry {
  uri: string;
  /** Seconds. */
  duration: number;
  discontinuity: boolean;
}

export interface PlaylistState {
  /** Whole seconds; never changes for a mount (§6.2.1). */
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence: number;
  entries: readonly PlaylistEntry[];
}

export function renderPlaylist(p: PlaylistState): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${p.targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${p.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${p.discontinuitySequence}`,
  ];
  for (const e of p.entries) {
    if (e.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    // Five decimals: 10 µs, far below anything audible when a player adds them up (§4.3.2.1).
    lines.push(`#EXTINF:${e.duration.toFixed(5)},`, e.uri);
  }
  return `${lines.join('\n')}\n`;
}
