// The htpasswd file as the gateway holds it: a live table that follows edits (`icegate passwd`,
// the control API's listener users; contracts/htpasswd-file.ts rewrites the file atomically). A
// file that fails to parse (or disappears) leaves the last good table in force: a bad edit must
// not lock every listener out, nor let anyone in: bad input changes nothing.
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { readHtpasswdFile } from '../../contracts/htpasswd-file.ts';
import { verifyUser, type Htpasswd } from './htpasswd.ts';

export { deleteUser, readHtpasswdFile, setPassword, writeHtpasswdFile } from '../../contracts/htpasswd-file.ts';

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
