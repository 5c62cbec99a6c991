// The playlist paths every mount has: /<mount>.m3u, .pls and .xspf point a player at the mount
// (the relay renders them, relay/playlists.ts; the gateway classifies them, policies/classify.ts).
export type PlaylistKind = 'm3u' | 'pls' | 'xspf';

export const PLAYLIST_SUFFIX = /\.(m3u|pls|xspf)$/;
