// The htpasswd file on disk: atomic rewrites for `icegate passwd`, and a live table for the
// gateway that follows edits. A rewrite goes to a 0600 temp file in the same directory and is
// renamed over the old one, so a reader sees the old file or the new one, never half of either.
// A file that fails to parse (or disappears) leaves the last good table in force: a bad edit must
// not lock every listener out, nor let anyone in: bad input changes nothing.
import { writePrivateFile } from '../../config/private-file.ts';
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DEFAULT_COST,
  EMPTY_HTPASSWD,
  HtpasswdError,
  hashPassword,
  parseHtpasswd,
  serializeHtpasswd,
  verifyUser,
  withUser,
  withoutUser,
  type Htpasswd,
} from './htpasswd.ts';

/** Reads and parses; HtpasswdError messages are prefixed with the file name. */
export async function readHtpasswdFile(file: string): Promise<Htpasswd> {
  const text = await readFile(file, 'utf8');
  try {
    return parseHtpasswd(text);
  } catch (err) {
    if (err instanceof HtpasswdError) throw new HtpasswdError(`${file}: ${err.message}`, err.line);
    throw err;
  }
}

export async function writeHtpasswdFile(file: string, content: Htpasswd): Promise<void> {
  await writePrivateFile(file, serializeHtpasswd(content));
}

async function update(file: string, change: (content: Htpasswd) => Htpasswd): Promise<void> {
  const current = await readHtpasswdFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return EMPTY_HTPASSWD;
    throw err;
  });
  await writeHtpasswdFile(file, change(current));
}

/** Adds the user or changes its password; creates the file when missing. */
export async function setPassword(file: string, user: string, password: string, cost = DEFAULT_COST): Promise<void> {
  const hash = await hashPassword(password, cost);
  await update(file, (content) => withUser(content, user, hash));
}

/** False when the user did not exist (the file is left untouched then). */
export async function deleteUser(file: string, user: string): Promise<boolean> {
  let existed = false;
  await update(file, (content) => {
    existed = content.users.has(user);
    return existed ? withoutUser(content, user) : content;
  });
  return existed;
}

export interface HtpasswdStoreEvents {
  /** A changed file was read and is now in force. */
  reload: [users: number];
  /**
   * A changed file could not be read; the previous table stays in force. (Not 'error', which
   * would throw when nobody listens: a bad edit must never take the gateway down.)
   */
  reloadFailed: [error: Error];
}

export class HtpasswdStore extends EventEmitter<HtpasswdStoreEvents> {
  #table: Htpasswd;
  #watcher: FSWatcher | null = null;
  #reading = false;
  #again = false;

  private constructor(
    readonly file: string,
    table: Htpasswd,
  ) {
    super();
    this.#table = table;
  }

  /** Fails (with the file and line) when the file is missing or bad at start-up. */
  static async open(file: string): Promise<HtpasswdStore> {
    return new HtpasswdStore(file, await readHtpasswdFile(file));
  }

  get users(): readonly string[] {
    return [...this.#table.users.keys()];
  }

  verify(user: string, password: string): Promise<boolean> {
    return verifyUser(this.#table, user, password);
  }

  /**
   * Follows the file. The directory is watched, not the file: an atomic rename replaces the
   * inode, and a watch on the old inode would never fire again.
   */
  watch(): void {
    if (this.#watcher) return;
    const name = path.basename(this.file);
    this.#watcher = watch(path.dirname(this.file), (_event, changed) => {
      // Some platforms do not report the name; then any change in the directory is a candidate.
      if (changed === null || changed === name) void this.reload();
    });
    this.#watcher.on('error', (err) => this.emit('reloadFailed', err));
  }

  /** Re-reads now; concurrent calls coalesce into one more read. */
  async reload(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    try {
      do {
        this.#again = false;
        try {
          this.#table = await readHtpasswdFile(this.file);
          this.emit('reload', this.#table.users.size);
        } catch (err) {
          this.emit('reloadFailed', err instanceof Error ? err : new Error(String(err)));
        }
      } while (this.#again);
    } finally {
      this.#reading = false;
    }
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = null;
  }
}
