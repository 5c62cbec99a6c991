// A mount's htpasswd file on disk (contracts/htpasswd.ts is its format): read, and rewritten
// whole for `icegate passwd` and the control API's listener users (contracts/listener-users.ts).
// A rewrite goes to a 0600 temp file in the same directory and is renamed over the old one, so
// the gateway, which follows the file, sees the old table or the new one, never half of either.
// A file that does not parse is never rewritten: the error names it and the line.
import { readFile } from 'node:fs/promises';
import { writePrivateFile } from '../config/private-file.ts';
import { DEFAULT_COST, EMPTY_HTPASSWD, HtpasswdError, hashPassword, parseHtpasswd, serializeHtpasswd, withUser, withoutUser, type Htpasswd } from './htpasswd.ts';

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

/** The file's table; a missing file is an empty one (the first user creates it). */
async function current(file: string): Promise<Htpasswd> {
  return readHtpasswdFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return EMPTY_HTPASSWD;
    throw err;
  });
}

/** Adds the user or changes its password; creates the file when missing. */
export async function setPassword(file: string, user: string, password: string, cost = DEFAULT_COST): Promise<'added' | 'changed'> {
  const hash = await hashPassword(password, cost);
  // Read after hashing: the table written is the newest one.
  const content = await current(file);
  await writeHtpasswdFile(file, withUser(content, user, hash));
  return content.users.has(user) ? 'changed' : 'added';
}

/** False when the user did not exist (the file is left untouched then). */
export async function deleteUser(file: string, user: string): Promise<boolean> {
  const content = await current(file);
  if (!content.users.has(user)) return false;
  await writeHtpasswdFile(file, withoutUser(content, user));
  return true;
}
