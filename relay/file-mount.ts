// Mounts whose source is an MP3 file looped in real time (`mounts.<name>.file`), typically a
// "we will be right back" clip behind another mount's fallbackMount, so listeners hear it instead
// of silence. Icecast 2.4.4 serves file fallbacks unpaced (docs/icecast-compatibility.md#fallbacks); here they are
// paced against the clock like a live source, so players neither overflow nor starve.
import { readFile, stat } from 'node:fs/promises';
import type { SourceInfo } from '../stream/types.ts';
import type { Clock, Timer } from '../stream/clock.ts';
import type { RelayContext } from '../stream/context.ts';
import type { RelayLog } from '../stream/log.ts';
import type { SourceHandle } from '../stream/mount.ts';
import { FilePacer } from './file-pacer.ts';
import { mp3Frames } from './mp3-frames.ts';

/** The whole file is held in memory; a looped clip is seconds or minutes long, not an album. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024; // 50 MiB
const TICK_MS = 100;
/** After a stall longer than this (a suspended host), skip ahead instead of sending it all at once. */
const MAX_BEHIND_MS = 2000;
/** How soon to try again when the mount is taken or our source was ended. */
const RETRY_MS = 2000;

export type LoadResult = { ok: true; pacer: FilePacer } | { ok: false; error: string };

export async function loadMp3File(path: string): Promise<LoadResult> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return { ok: false, error: `${path} is not a file` };
    if (s.size > MAX_FILE_BYTES) return { ok: false, error: `${path} is ${(s.size / 1048576).toFixed(1)} MiB; a file mount holds at most 50 MiB` };
    const buf = await readFile(path);
    const frames = mp3Frames(buf);
    if (frames.length === 0) return { ok: false, error: `${path} contains no MPEG audio frames (file mounts play MP3 only)` };
    return { ok: true, pacer: new FilePacer(buf, frames) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, error: err.code === 'ENOENT' ? `${path} does not exist` : `cannot read ${path}: ${err.code ?? err.message}` };
  }
}

export interface FileTarget {
  write(data: Buffer): boolean;
  end(reason: 'eof'): void;
}

/**
 * Writes a file's frames to a target as they fall due. `open` returns the target, or null while
 * the mount is taken (retried). Writes go out every TICK_MS; timing is measured from the start, so
 * late ticks catch up rather than drift.
 */
export class FilePlayer {
  readonly #pacer: FilePacer;
  readonly #clock: Clock;
  readonly #open: () => FileTarget | null;
  #target: FileTarget | null = null;
  #timer: Timer | null = null;
  #t0 = 0;
  #running = false;

  constructor(pacer: FilePacer, clock: Clock, open: () => FileTarget | null) {
    this.#pacer = pacer;
    this.#clock = clock;
    this.#open = open;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#attach();
  }

  stop(): void {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = null;
    this.#target?.end('eof');
    this.#target = null;
  }

  #attach(): void {
    this.#target = this.#open();
    if (!this.#target) return this.#later(RETRY_MS, () => this.#attach());
    // Continue where the file left off, as if no time had passed while detached.
    this.#t0 = this.#clock.now() - this.#pacer.positionMs;
    this.#tick();
  }

  #tick(): void {
    const target = this.#target;
    if (!target) return;
    let elapsed = this.#clock.now() - this.#t0;
    if (elapsed - this.#pacer.positionMs > MAX_BEHIND_MS) {
      this.#t0 = this.#clock.now() - this.#pacer.positionMs;
      elapsed = this.#pacer.positionMs;
    }
    for (const slice of this.#pacer.take(elapsed)) {
      if (!target.write(slice)) {
        this.#target = null;
        return this.#later(RETRY_MS, () => this.#attach());
      }
    }
    this.#later(TICK_MS, () => this.#tick());
  }

  #later(ms: number, fn: () => void): void {
    this.#timer = this.#clock.after(ms, () => {
      this.#timer = null;
      if (this.#running) fn();
    });
  }
}

export interface FileMountStatus {
  mount: string;
  file: string;
  state: 'loading' | 'playing' | 'failed';
  error: string | null;
}

export interface FileMounts {
  list(): FileMountStatus[];
  /** Resolves once every file was loaded or has failed (tests and startup logs wait on it). */
  ready: Promise<void>;
  stop(): void;
}

const FILE_SOURCE: Omit<SourceInfo, 'description'> = { contentType: 'audio/mpeg', ip: '', userAgent: '', kind: 'file' };

/** Starts every configured file mount; a missing or bad file is logged and skipped. */
export function startFileMounts(ctx: RelayContext, log: RelayLog = () => {}): FileMounts {
  const status: FileMountStatus[] = [];
  const players: FilePlayer[] = [];
  let stopped = false;
  const loads = Object.entries(ctx.config.mounts).flatMap(([mount, m]) => {
    if (!m.file) return [];
    const entry: FileMountStatus = { mount, file: m.file, state: 'loading', error: null };
    status.push(entry);
    return [
      loadMp3File(m.file).then((r) => {
        if (!r.ok) {
          Object.assign(entry, { state: 'failed', error: r.error });
          return log('error', `mounts.${mount}.file: ${r.error}`);
        }
        entry.state = 'playing';
        const open = (): SourceHandle | null => {
          const target = ctx.registry.ensure(mount);
          return target.live ? null : target.attachSource({ ...FILE_SOURCE, description: { extra: {} } });
        };
        const player = new FilePlayer(r.pacer, ctx.clock, open);
        players.push(player);
        if (!stopped) player.start();
      }),
    ];
  });
  return {
    list: () => status.map((s) => ({ ...s })),
    ready: Promise.all(loads).then(() => {}),
    stop: () => {
      stopped = true;
      for (const p of players) p.stop();
    },
  };
}
