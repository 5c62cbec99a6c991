// Per-component log files, <stateDir>/logs/<name>.log, rotated by size: <name>.log.1 is the newest
// old file, <name>.log.<files> the oldest, and nothing older is kept (an unrotated log filling
// the disk is pm2's most reported problem). Writes are synchronous appends of
// whole lines: a few per second per component, and a line is never half in two files.
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLine } from '../contracts/control-api.ts';

export interface LogFileOptions {
  dir: string;
  maxBytes: number;
  files: number;
}

export class LogFile {
  readonly path: string;
  #size: number;
  #broken = false;

  constructor(
    readonly name: string,
    readonly options: LogFileOptions,
  ) {
    mkdirSync(options.dir, { recursive: true, mode: 0o750 });
    this.path = join(options.dir, `${name}.log`);
    this.#size = sizeOf(this.path);
  }

  write(line: LogLine): void {
    if (this.#broken) return;
    const text = `${line.at} ${line.stream === 'stdout' ? '' : `[${line.stream}] `}${line.text}\n`;
    try {
      if (this.#size + Buffer.byteLength(text) > this.options.maxBytes && this.#size > 0) this.#rotate();
      appendFileSync(this.path, text, { mode: 0o640 });
      this.#size += Buffer.byteLength(text);
    } catch {
      // A full or read-only disk must not take the supervisor down; the in-memory tail still works.
      this.#broken = true;
    }
  }

  #rotate(): void {
    rmSync(`${this.path}.${this.options.files}`, { force: true });
    for (let i = this.options.files - 1; i >= 1; i--) {
      try {
        renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch {
        // That generation does not exist yet.
      }
    }
    renameSync(this.path, `${this.path}.1`);
    this.#size = 0;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
