// The listener users of the mounts with `auth: htpasswd` (contracts/listener-users.ts): listed,
// added or changed, and deleted through the control API, in the very files `icegate passwd`
// edits (contracts/htpasswd-file.ts: atomic, 0600). The gateway follows each file and applies a
// change without a restart. Writes go one at a time, so two at once never lose one another's user.
import type { Config } from '../../config/schema.ts';
import { deleteUser, readHtpasswdFile, setPassword } from '../../contracts/htpasswd-file.ts';
import { DEFAULT_COST, HtpasswdError, type Htpasswd } from '../../contracts/htpasswd.ts';
import type { ListenerUserRequest, ListenerUserResult, ListenerUsersFile } from '../../contracts/listener-users.ts';
import { ControlError } from '../errors.ts';
import { htpasswdFileOf, htpasswdFiles, usersFile } from './files.ts';
import { checkName } from './request.ts';

export interface ListenerUserDeps {
  /** The configuration in force. */
  config(): Config;
  /** Relative htpasswd paths are resolved against it: the configuration file's directory. */
  baseDir: string;
  /** Mounts the relay has now (a mount no configuration names is unknown-mount only when not live either). */
  liveMounts(): Iterable<string>;
  /** bcrypt's cost; DEFAULT_COST unless a test asks for less. */
  cost?: number;
}

export class ListenerUserService {
  readonly #d: ListenerUserDeps;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(d: ListenerUserDeps) {
    this.#d = d;
  }

  /** Every htpasswd file of the configuration in force with its mounts and user names. */
  async list(): Promise<ListenerUsersFile[]> {
    const files = htpasswdFiles(this.#d.config(), this.#d.baseDir);
    return Promise.all([...files].map(([file, mounts]) => this.#file(file, mounts)));
  }

  /** Adds the user to the mount's file, or changes its password. */
  set(req: ListenerUserRequest): Promise<ListenerUserResult> {
    const file = this.#fileOf(req.mount);
    return this.#serial(async () => {
      const change = await setPassword(file, req.name, req.password, this.#d.cost ?? DEFAULT_COST).catch(refusal);
      const words = change === 'added' ? `added to ${req.mount}` : `given a new password on ${req.mount}`;
      return this.#result(change, req.mount, req.name, file, words);
    });
  }

  /** Removes the user from the mount's file (every mount sharing the file loses it). */
  remove(mount: string, name: string): Promise<ListenerUserResult> {
    checkName(name);
    const file = this.#fileOf(mount);
    return this.#serial(async () => {
      if (!(await deleteUser(file, name).catch(refusal))) throw new ControlError('unknown-user', `not in ${file}`);
      return this.#result('deleted', mount, name, file, `deleted from ${mount}`);
    });
  }

  #fileOf(mount: string): string {
    const config = this.#d.config();
    const file = htpasswdFileOf(config, this.#d.baseDir, mount);
    if (file !== null) return file;
    const known = new Set([...Object.keys(config.relay.mounts), ...Object.keys(config.gateway.mounts), ...this.#d.liveMounts()]);
    if (!known.has(mount)) throw new ControlError('unknown-mount', mount);
    throw new ControlError('mount-not-htpasswd', `${mount} has no auth: htpasswd in gateway.mounts`);
  }

  async #result(change: ListenerUserResult['change'], mount: string, name: string, file: string, words: string): Promise<ListenerUserResult> {
    const mounts = htpasswdFiles(this.#d.config(), this.#d.baseDir).get(file) ?? [mount];
    return { ok: true, message: `listener ${JSON.stringify(name)} ${words} (${file})`, change, mount, user: { name }, file: await this.#file(file, mounts) };
  }

  async #file(file: string, mounts: readonly string[]): Promise<ListenerUsersFile> {
    let table: Htpasswd | null = null;
    let problem: string | null = null;
    try {
      table = await readHtpasswdFile(file);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      problem = e.code === 'ENOENT' ? 'the file does not exist yet: the first user added creates it' : e.message;
    }
    return usersFile(file, mounts, table, problem);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(work);
    this.#writes = next.catch(() => {});
    return next;
  }
}

/** A file that does not parse is the operator's to fix: it is never rewritten. */
function refusal(error: unknown): never {
  if (error instanceof HtpasswdError) throw new ControlError('htpasswd-invalid', error.message);
  throw error;
}
