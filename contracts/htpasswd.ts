// Apache-style htpasswd content ("user:hash" per line), bcrypt only: the format of a mount's
// `auth: htpasswd` file, which `icegate passwd` and the supervisor's control API write
// (contracts/listener-users.ts) and the gateway reads. MD5 (apr1), SHA-1, crypt and plain-text
// entries are refused with the line that holds them: a listener password table leaks eventually,
// and only bcrypt makes a leaked table expensive to crack. Comment and blank lines are kept so a
// file edited by hand survives a rewrite. Pure but for the hashing.
import bcrypt from 'bcryptjs';

export type HtpasswdLine = { readonly kind: 'user'; readonly user: string; readonly hash: string } | { readonly kind: 'other'; readonly text: string };

export interface Htpasswd {
  readonly lines: readonly HtpasswdLine[];
  /** user → bcrypt hash. */
  readonly users: ReadonlyMap<string, string>;
}

/** `line` is 1-based; messages name the user, never the hash. */
export class HtpasswdError extends Error {
  constructor(
    message: string,
    readonly line: number | null = null,
  ) {
    super(message);
  }
}

/** `$2y$` (Apache htpasswd -B), `$2a$`, `$2b$`; cost 04–31; 22 salt + 31 hash characters. */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
const USER = /^[^:#\x00-\x20\x7f][^:\x00-\x1f\x7f]{0,254}$/;
/** bcrypt reads at most 72 bytes of a password; longer ones would be silently truncated. */
export const MAX_PASSWORD_BYTES = 72;
export const DEFAULT_COST = 10;

export function parseHtpasswd(text: string): Htpasswd {
  const lines: HtpasswdLine[] = [];
  const users = new Map<string, string>();
  const rows = text.split(/\r?\n/);
  if (rows.at(-1) === '') rows.pop();
  for (const [i, row] of rows.entries()) {
    const n = i + 1;
    if (row.trim() === '' || row.startsWith('#')) {
      lines.push({ kind: 'other', text: row });
      continue;
    }
    const colon = row.indexOf(':');
    if (colon === -1) throw new HtpasswdError(`htpasswd line ${n} is not "user:hash"`, n);
    const user = row.slice(0, colon);
    const hash = row.slice(colon + 1).trimEnd();
    if (!USER.test(user)) throw new HtpasswdError(`htpasswd line ${n} has an invalid user name`, n);
    if (!BCRYPT.test(hash)) {
      throw new HtpasswdError(`htpasswd line ${n} (user "${user}") uses ${hashKind(hash)}; only bcrypt is accepted (htpasswd -B, or icegate passwd)`, n);
    }
    if (users.has(user)) throw new HtpasswdError(`htpasswd line ${n} repeats user "${user}"`, n);
    users.set(user, hash);
    lines.push({ kind: 'user', user, hash });
  }
  return { lines, users };
}

export function serializeHtpasswd(file: Htpasswd): string {
  return file.lines.map((l) => (l.kind === 'user' ? `${l.user}:${l.hash}` : l.text)).join('\n') + (file.lines.length ? '\n' : '');
}

export const EMPTY_HTPASSWD: Htpasswd = { lines: [], users: new Map() };

/** Adds the user, or replaces its hash in place. */
export function withUser(file: Htpasswd, user: string, hash: string): Htpasswd {
  checkUser(user);
  if (!BCRYPT.test(hash)) throw new HtpasswdError('the hash is not a bcrypt hash');
  const line: HtpasswdLine = { kind: 'user', user, hash };
  const lines = file.users.has(user) ? file.lines.map((l) => (l.kind === 'user' && l.user === user ? line : l)) : [...file.lines, line];
  return { lines, users: new Map(file.users).set(user, hash) };
}

export function withoutUser(file: Htpasswd, user: string): Htpasswd {
  const users = new Map(file.users);
  users.delete(user);
  return { lines: file.lines.filter((l) => l.kind !== 'user' || l.user !== user), users };
}

/** Why `user` cannot be a user name, or null when it can (`icegate passwd` and the control API alike). */
export function userProblem(user: unknown): string | null {
  return typeof user === 'string' && USER.test(user) ? null : 'a user name is 1–255 characters without ":", control characters or a leading "#" or space';
}

export function checkUser(user: string): void {
  const problem = userProblem(user);
  if (problem !== null) throw new HtpasswdError(problem);
}

/** Half a UTF-16 pair: JSON can carry one, UTF-8 (and so a player's Basic credentials) cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `password` cannot be hashed, or null when it can. Never quotes the password. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string' || password === '') return 'the password is empty';
  if (bcrypt.truncates(password)) return `the password is longer than bcrypt's ${MAX_PASSWORD_BYTES} bytes`;
  if (LONE_SURROGATE.test(password)) return 'the password must be valid Unicode text';
  return null;
}

/** A `$2y$` hash, as Apache's htpasswd -B writes (2b and 2y are the same algorithm). */
export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const problem = passwordProblem(password);
  if (problem !== null) throw new HtpasswdError(problem);
  const hash = await bcrypt.hash(password, cost);
  return `$2y$${hash.slice(4)}`;
}

function hashKind(hash: string): string {
  if (hash.startsWith('$apr1$')) return 'an MD5 (apr1) hash';
  if (hash.startsWith('{SHA}')) return 'a SHA-1 hash';
  if (hash.startsWith('$1$')) return 'an MD5-crypt hash';
  if (hash.startsWith('$5$') || hash.startsWith('$6$')) return 'a SHA-crypt hash';
  if (hash.startsWith('$2')) return 'a malformed bcrypt hash';
  if (/^[./0-9A-Za-z]{13}$/.test(hash)) return 'a DES crypt hash (or a plain-text password)';
  return 'a plain-text password or an unknown hash';
}
