// Listener users in the fake control API (fake-control.ts), as contracts/listener-users.ts
// describes them: listed per file, added or changed, deleted; every refusal code of the contract
// answered like the real API. The passwords it was sent are kept for the tests to check.
import type { ActionResult } from '../../contracts/control-api.ts';
import { passwordProblem, userProblem } from '../../contracts/htpasswd.ts';
import type { ListenerUserResult, ListenerUsersFile, ListenerUsersPage } from '../../contracts/listener-users.ts';

export type UserAnswer = { status: number; result: ActionResult | ListenerUserResult };

const refuse = (status: number, code: string, message: string): UserAnswer => ({ status, result: { ok: false, error: { code, message } } });

export class FakeUsers {
  files: ListenerUsersFile[] = [{ file: '/srv/icegate/members.htpasswd', mounts: ['/live.mp3'], users: [{ name: 'alice' }], problem: null }];
  /** name → the last password the API was sent for it. */
  readonly passwords = new Map<string, string>();

  constructor(private readonly mounts: () => readonly string[]) {}

  page(): ListenerUsersPage {
    return { files: this.files };
  }

  /** The answer to a POST or DELETE under /v1/listener-users, or null for any other path. */
  answer(method: string, path: string, body: unknown): UserAnswer | null {
    if (method === 'POST' && path === '/v1/listener-users') {
      const b = (body ?? {}) as { mount?: unknown; name?: unknown; password?: unknown };
      if (userProblem(b.name) !== null) return refuse(400, 'bad-user-name', `Not a listener user name: ${userProblem(b.name)}`);
      if (passwordProblem(b.password) !== null) return refuse(400, 'bad-password', `Not a usable listener password: ${passwordProblem(b.password)}`);
      const file = this.#fileOf(String(b.mount));
      if ('status' in file) return file;
      const name = b.name as string;
      const had = file.users.some((u) => u.name === name);
      if (!had) file.users = [...file.users, { name }].sort((x, y) => (x.name < y.name ? -1 : 1));
      this.passwords.set(name, b.password as string);
      const mount = b.mount as string;
      return { status: had ? 200 : 201, result: { ok: true, change: had ? 'changed' : 'added', mount, user: { name }, file, message: `listener ${JSON.stringify(name)} ${had ? 'given a new password on' : 'added to'} ${mount} (${file.file})` } };
    }
    const del = /^\/v1\/listener-users\/([^/]+)\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && del !== null) {
      const mount = decodeURIComponent(del[1]!);
      const name = decodeURIComponent(del[2]!);
      const file = this.#fileOf(mount);
      if ('status' in file) return file;
      if (!file.users.some((u) => u.name === name)) return refuse(404, 'unknown-user', `No such listener user: not in ${file.file}`);
      file.users = file.users.filter((u) => u.name !== name);
      return { status: 200, result: { ok: true, change: 'deleted', mount, user: { name }, file, message: `listener ${JSON.stringify(name)} deleted from ${mount} (${file.file})` } };
    }
    return null;
  }

  #fileOf(mount: string): ListenerUsersFile | UserAnswer {
    const file = this.files.find((f) => f.mounts.includes(mount));
    if (file !== undefined) return file;
    if (!this.mounts().includes(mount)) return refuse(404, 'unknown-mount', `No such mount: ${mount}`);
    return refuse(409, 'mount-not-htpasswd', `The mount does not use an htpasswd file: ${mount} has no auth: htpasswd in gateway.mounts`);
  }
}
