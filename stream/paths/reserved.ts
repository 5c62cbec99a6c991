// Paths the relay answers itself. A source may not publish a mount there: a valid source password
// must not let anyone replace the status page, the admin API or a playlist with a stream.
import { PLAYLIST_SUFFIX } from './playlist.ts';
import { HLS_PREFIX } from './hls.ts';
import { ASSETS_PREFIX } from './page.ts';

export function isReservedPath(path: string): boolean {
  const p = path.toLowerCase();
  return (
    p === '/' ||
    p === '/admin' ||
    p.startsWith('/admin/') ||
    p.startsWith('/admin.') ||
    p === '/api' ||
    p.startsWith('/api/') ||
    p === '/metrics' ||
    p === HLS_PREFIX ||
    p.startsWith(`${HLS_PREFIX}/`) ||
    p === ASSETS_PREFIX ||
    p.startsWith(`${ASSETS_PREFIX}/`) ||
    p.endsWith('.xsl') ||
    PLAYLIST_SUFFIX.test(p)
  );
}
