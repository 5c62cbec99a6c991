// The revocation list of stream links: <stateDir>/revoked-tokens.txt, one token id per line
// (`#` comments and blank lines allowed). `icegate token --revoke ID` rewrites it atomically; the
// gateway looks at the file (one stat) each time a link is used and re-reads it when it changed,
// so a revocation applies to the next connection without a restart or a watcher to miss it.
// A line that is not a token id is reported and skipped: the other ids stay revoked.
import { writePrivateFile } from '../../config/private-file.ts';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const REVOCATIONS_FILE = 'revoked-tokens.txt';
const ID = /^[A-Za-z0-9_-]{22}$/;

export function revocationsPath(stateDir: string): string {
  return join(stateDir, REVOCATIONS_FILE);
}

export function isTokenId(id: string): boolean {
  return ID.test(id);
}

/** Ids, and the 1-based numbers of lines that are neither an id, a comment nor blank. */
export function parseRevocations(text: string): { ids: Set<string>; bad: number[] } {
  const ids = new Set<string>();
  const bad: number[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (ID.test(line)) ids.add(line);
    else bad.push(i + 1);
  }
  return { ids, bad };
}

/** Adds `id` to the file (created 0600 with its directory when missing); false when it was already there. */
export async function revokeInFile(file: string, id: string): Promise<boolean> {
  if (!ID.test(id)) throw new RangeError('a token id is 22 base64url characters (icegate token prints it)');
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    text = '# Revoked stream links, one token id per line (icegate token --revoke ID).\n';
  }
  if (parseRevocations(text).ids.has(id)) return false;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writePrivateFile(file, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${id}\n`);
  return true;
}

/** The list in force, following the file. */
export class RevocationList {
  #ids: ReadonlySet<string> = new Set();
  /** inode, size and mtime of the file last read; '' = not read, 'missing' = no file. */
  #seen = '';

  constructor(
    readonly file: string,
    private readonly onProblem: (message: string) => void,
  ) {}

  /** The current ids; the same Set object until the file changes. */
  async current(): Promise<ReadonlySet<string>> {
    let version: string;
    try {
      const s = await stat(this.file, { bigint: true });
      version = `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return this.#keep(err as Error);
      version = 'missing';
    }
    if (version === this.#seen) return this.#ids;
    if (version === 'missing') {
      this.#ids = new Set();
    } else {
      let text: string;
      try {
        text = await readFile(this.file, 'utf8');
      } catch (err) {
        return this.#keep(err as Error);
      }
      const { ids, bad } = parseRevocations(text);
      if (bad.length > 0) this.onProblem(`line${bad.length > 1 ? 's' : ''} ${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} not a token id, skipped`);
      this.#ids = ids;
    }
    this.#seen = version;
    return this.#ids;
  }

  /** An unreadable file leaves the last list in force: no revoked link comes back to life. */
  #keep(err: Error): ReadonlySet<string> {
    this.onProblem(`cannot read: ${err.message}`);
    return this.#ids;
  }
}
