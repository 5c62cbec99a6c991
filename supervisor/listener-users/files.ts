// Which htpasswd file each mount with `auth: htpasswd` uses, from the configuration in force, and
// what the control API shows of one (contracts/listener-users.ts). Relative paths are next to the
// configuration file, as the gateway reads them (gateway.mounts.<mount>.htpasswd). Pure.
import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../../config/schema.ts';
import type { Htpasswd } from '../../contracts/htpasswd.ts';
import type { ListenerUsersFile } from '../../contracts/listener-users.ts';

/** Each file, with the mounts that name it (sorted), files in the order of their first mount. */
export function htpasswdFiles(config: Config, baseDir: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const mount of Object.keys(config.gateway.mounts).sort()) {
    const file = htpasswdFileOf(config, baseDir, mount);
    if (file !== null) files.set(file, [...(files.get(file) ?? []), mount]);
  }
  return files;
}

/** The absolute file of a mount with `auth: htpasswd`; null for any other mount. */
export function htpasswdFileOf(config: Config, baseDir: string, mount: string): string | null {
  const m = Object.hasOwn(config.gateway.mounts, mount) ? config.gateway.mounts[mount] : undefined;
  if (m?.auth !== 'htpasswd' || m.htpasswd === null) return null;
  return isAbsolute(m.htpasswd) ? m.htpasswd : resolve(baseDir, m.htpasswd);
}

/** A file as listed: names only, sorted; `table` null with the problem when it could not be read. */
export function usersFile(file: string, mounts: readonly string[], table: Htpasswd | null, problem: string | null): ListenerUsersFile {
  const names = table === null ? [] : [...table.users.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { file, mounts: [...mounts], users: names.map((name) => ({ name })), problem: table === null ? problem : null };
}
