// The listening page's URL grammar: the page at "/" and its files under /assets/<file>. The
// gateway's policy (policies/classify.ts) reads the same constants, so a path the gateway lets
// through is one the relay serves. Every URL inside the page is relative, so a stream-link prefix
// in front of the page (/t/<token>/) carries over to its files, the status it polls and the
// streams it plays (RFC 3986 §5.2: a relative reference keeps the base's path).

export const PAGE_PATH = '/';
export const ASSETS_PREFIX = '/assets';
/** One file name, no folders: the relay serves a fixed list of them. */
export const ASSET_FILE = /^[a-z0-9][a-z0-9.-]*\.(css|js)$/;

export function isPagePath(path: string): boolean {
  return path === PAGE_PATH || path.startsWith(`${ASSETS_PREFIX}/`);
}

/** The file name of an asset path, or null when the path is not one. */
export function assetName(path: string): string | null {
  if (!path.startsWith(`${ASSETS_PREFIX}/`)) return null;
  const name = path.slice(ASSETS_PREFIX.length + 1);
  return ASSET_FILE.test(name) ? name : null;
}
