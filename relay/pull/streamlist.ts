// Master–slave mirroring (docs/icecast-compatibility.md#relays): the master's /admin/streamlist.txt lists one
// non-hidden mount per line; the slave relays each under the same name. Pure: parsing the list and
// deciding which pulls to start and stop.
import { mountName } from '../../config/schema.ts';

/** More mounts than any server carries; bounds what a broken or hostile master can make us start. */
export const MAX_LISTED_MOUNTS = 1000;

export interface Streamlist {
  mounts: string[];
  /** Lines that are not mount names (Icecast skips them: "relay mountpoint does not start with /"). */
  skipped: number;
}

export function parseStreamlist(text: string): Streamlist {
  const mounts = new Set<string>();
  let skipped = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (mounts.size >= MAX_LISTED_MOUNTS || !mountName.safeParse(line).success) skipped++;
    else mounts.add(line);
  }
  return { mounts: [...mounts], skipped };
}

export interface MirrorPlan {
  start: string[];
  stop: string[];
}

/**
 * `mirrored`: mounts pulled from the master now; `reserved`: local names that are not the
 * master's to take (explicitly configured relays).
 */
export function mirrorPlan(mirrored: ReadonlySet<string>, listed: readonly string[], reserved: ReadonlySet<string>): MirrorPlan {
  const wanted = new Set(listed.filter((m) => !reserved.has(m)));
  return {
    start: [...wanted].filter((m) => !mirrored.has(m)),
    stop: [...mirrored].filter((m) => !wanted.has(m)),
  };
}
