// The listening page's files, read once at start and kept in memory: its stylesheet, its script
// and the bundled hls.js (light build: playback only, no subtitles or DRM), served by icegate
// itself so the page works with no internet access. Each file has a strong ETag from its content;
// the page links them as "assets/<file>?v=<version>", so a versioned URL can be cached for good
// and a new release changes the URL (RFC 9111 §5.2.2, RFC 8246 immutable).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { ASSETS_PREFIX } from '../../stream/paths/page.ts';

export interface Asset {
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** The body gzipped once, for clients that accept it; null when that would not be smaller. */
  readonly gzip: Buffer | null;
  readonly etag: string;
  /** Short content hash for the ?v= of the page's links. */
  readonly version: string;
}

export interface PageAssets {
  readonly template: string;
  readonly files: ReadonlyMap<string, Asset>;
}

export const HLS_SCRIPT = 'hls.light.min.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

export function asset(name: string, body: Buffer): Asset {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  const contentType = CONTENT_TYPES[ext];
  if (!contentType) throw new Error(`no content type for page file ${name}`);
  const hash = createHash('sha256').update(body).digest('base64url');
  const gzip = gzipSync(body, { level: 9 });
  return { name, contentType, body, gzip: gzip.length < body.length ? gzip : null, etag: `"${hash.slice(0, 27)}"`, version: hash.slice(0, 10) };
}

/** The page's link to an asset, relative to the page. */
export function assetUrl(a: Asset): string {
  return `.${ASSETS_PREFIX}/${a.name}?v=${a.version}`;
}

/** hls.js from its npm package; null when it is not installed (the page then plays progressive streams only). */
function hlsScript(): Buffer | null {
  try {
    return readFileSync(createRequire(import.meta.url).resolve(`hls.js/dist/${HLS_SCRIPT}`));
  } catch {
    return null;
  }
}

let loaded: PageAssets | undefined;

/** Read (and gzipped) once per process: every relay in it serves the same files. */
export function loadPageAssets(): PageAssets {
  return (loaded ??= readPageAssets());
}

function readPageAssets(): PageAssets {
  const own = (file: string): Buffer => readFileSync(new URL(file, import.meta.url));
  const files = new Map<string, Asset>();
  for (const name of ['page.css', 'page.js']) files.set(name, asset(name, own(name)));
  const hls = hlsScript();
  if (hls) files.set(HLS_SCRIPT, asset(HLS_SCRIPT, hls));
  return { template: own('index.html').toString('utf8'), files };
}
