// Which mounts the listening page and the public status show, and the relative URLs the page
// plays them from. Without a stream link: every mount that is not hidden, live or not. Through a
// stream link (the gateway's X-Icegate-Mount, client-ip.ts): that link's mount only, hidden or
// not — the link names it already, and no other mount is revealed. Pure.
import type { MountStats } from '../../stream/types.ts';
import { sortedMounts } from '../status/api-view.ts';
import { HLS_PREFIX, PLAYLIST_FILE } from '../../stream/paths/hls.ts';

export function pageMounts(all: readonly MountStats[], linkMount: string | null): MountStats[] {
  return sortedMounts(all.filter((m) => (linkMount === null ? !m.hidden : m.mount === linkMount)));
}

/**
 * A mount's path relative to the page ("./live.mp3"), each segment percent-encoded: the "./"
 * keeps a first segment holding ":" from reading as a scheme (RFC 3986 §4.2), and relative
 * resolution keeps a /t/<token> prefix in front of it.
 */
export function relativeMountUrl(mount: string): string {
  return `.${mount.split('/').map(encodeURIComponent).join('/')}`;
}

/** The mount's HLS playlist relative to the page: ./hls/live.mp3/live.m3u8 (relay/hls/path.ts). */
export function relativeHlsUrl(mount: string): string {
  return `.${HLS_PREFIX}${relativeMountUrl(mount).slice(1)}/${PLAYLIST_FILE}`;
}
