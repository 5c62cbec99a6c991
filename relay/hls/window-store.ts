// The HLS windows on disk, so that a relay that is killed and started again continues each
// mount's playlist instead of starting it over (docs/hls.md#across-a-relay-restart). One folder
// per mount in the runtime directory: the segments under their own names (written once, they
// never change) and window.json with the numbers, written after them and renamed into place, so
// a kill at any moment leaves the previous window or the new one, never half of one. Segments
// are removed only once no window.json names them.
import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { z } from 'zod';
import { HLS_FILE } from '../../stream/paths/hls.ts';
import type { StoredSegment, WindowState } from './segment-window.ts';

const MANIFEST = 'window.json';
const VERSION = 1;

const segmentMeta = z.object({
  seq: z.number().int().min(0),
  name: z.string().regex(HLS_FILE),
  duration: z.number().positive(),
  codec: z.enum(['mp3', 'aac']),
  samplerate: z.number().int().positive(),
  samples: z.number().int().positive(),
  pts: z.number().int().min(0),
  discontinuity: z.boolean(),
});
const manifestSchema = z.object({
  version: z.literal(VERSION),
  mount: z.string().min(2),
  savedAt: z.number(),
  targetDuration: z.number().int().positive(),
  nextSeq: z.number().int().min(0),
  discontinuitySequence: z.number().int().min(0),
  listed: z.array(segmentMeta).max(64),
  retired: z.array(segmentMeta).max(64),
});

/** A window found on disk at start. */
export interface SavedWindow {
  readonly mount: string;
  /** Wall-clock ms of its last save. */
  readonly savedAt: number;
  readonly targetDuration: number;
  readonly state: WindowState;
}

export interface StoreLog {
  (message: string): void;
}

/**
 * `<runtime directory>/hls`: supervisor.runtimeDir (relative to the config file), else
 * <stateDir>/run, as supervisor/paths.ts resolves it. Under the shipped systemd unit that is
 * /run/icegate, which systemd empties when the service stops: a restart of the whole service
 * starts every playlist over, a restart of the relay alone continues them.
 */
export function hlsStoreDir(config: Config, configFile: string | null): string {
  const dir = config.supervisor.runtimeDir;
  const base = dir === null ? join(config.stateDir, 'run') : resolve(configFile === null ? '.' : dirname(resolve(configFile)), dir);
  return join(base, 'hls');
}

const folderOf = (mount: string): string => encodeURIComponent(mount);

const metaOf = (s: StoredSegment): z.infer<typeof segmentMeta> => ({
  seq: s.seq,
  name: s.name,
  duration: s.duration,
  codec: s.codec,
  samplerate: s.samplerate,
  samples: s.samples,
  pts: s.pts,
  discontinuity: s.discontinuity,
});

export class WindowStore {
  readonly dir: string;
  readonly #log: StoreLog;
  readonly #writers = new Map<string, { written: Set<string>; failing: boolean }>();

  constructor(dir: string, log: StoreLog) {
    this.dir = dir;
    this.#log = log;
  }

  /**
   * Every window a previous process left, read synchronously at start (a few hundred KiB at
   * most per mount). A folder that cannot be read or does not validate is skipped with a log
   * line: the mount's playlist then starts over, as without a store.
   */
  loadAll(): SavedWindow[] {
    let folders: string[];
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o750 });
      folders = readdirSync(this.dir);
    } catch (err) {
      this.#log(`HLS windows not restored: ${(err as Error).message}`);
      return [];
    }
    const out: SavedWindow[] = [];
    for (const folder of folders) {
      try {
        const path = join(this.dir, folder);
        const m = manifestSchema.parse(JSON.parse(readFileSync(join(path, MANIFEST), 'utf8')));
        if (folderOf(m.mount) !== folder) throw new Error('its mount does not match its folder');
        const load = (list: z.infer<typeof segmentMeta>[]): StoredSegment[] => list.map((s) => ({ ...s, data: readFileSync(join(path, s.name)) }));
        const state = { nextSeq: m.nextSeq, discontinuitySequence: m.discontinuitySequence, listed: load(m.listed), retired: load(m.retired) };
        out.push({ mount: m.mount, savedAt: m.savedAt, targetDuration: m.targetDuration, state });
      } catch (err) {
        this.#log(`HLS window of ${folder} not restored: ${(err as Error).message}`);
      }
    }
    return out;
  }

  /**
   * Save a mount's window, synchronously, in the same turn as the segment is published: a
   * playlist that lists a segment is never served before the segment is on disk, so a kill -9
   * at any moment cannot make a restarted relay hand out a number a player already saw for
   * another segment. It is one segment (tens of KiB) and a small manifest per target duration
   * and mount, into the page cache.
   */
  save(mount: string, targetDuration: number, state: WindowState, savedAt: number): void {
    let w = this.#writers.get(mount);
    if (!w) this.#writers.set(mount, (w = { written: new Set(), failing: false }));
    try {
      this.#write(mount, targetDuration, state, w.written, savedAt);
      if (w.failing) this.#log(`HLS window of ${mount} saved again`);
      w.failing = false;
    } catch (err) {
      // One line when saving starts failing (a full or read-only disk) and one when it works again, not one per segment.
      if (!w.failing) this.#log(`HLS window of ${mount} not saved (a relay restart will start its playlist over): ${(err as Error).message}`);
      w.failing = true;
    }
  }

  #write(mount: string, targetDuration: number, state: WindowState, written: Set<string>, savedAt: number): void {
    const path = join(this.dir, folderOf(mount));
    mkdirSync(path, { recursive: true, mode: 0o750 });
    const segments = [...state.listed, ...state.retired];
    for (const s of segments) {
      if (written.has(s.name)) continue;
      writeFileSync(join(path, s.name), s.data, { mode: 0o640 });
      written.add(s.name);
    }
    const manifest = {
      version: VERSION,
      mount,
      savedAt,
      targetDuration,
      nextSeq: state.nextSeq,
      discontinuitySequence: state.discontinuitySequence,
      listed: state.listed.map(metaOf),
      retired: state.retired.map(metaOf),
    };
    writeFileSync(join(path, `${MANIFEST}.tmp`), JSON.stringify(manifest), { mode: 0o640 });
    renameSync(join(path, `${MANIFEST}.tmp`), join(path, MANIFEST));
    // Only now may the segments the window no longer names go.
    const keep = new Set(segments.map((s) => s.name));
    for (const file of readdirSync(path)) {
      if (file === MANIFEST || keep.has(file)) continue;
      written.delete(file);
      try {
        unlinkSync(join(path, file));
      } catch {
        // Gone already, or not ours to remove: the next save tries again.
      }
    }
  }
}
