// Writes a private file (secrets, password tables, revocation lists) so that a reader never sees
// it half-written and it is never readable by others: a 0600 temp file beside it, fsync, rename
// (atomic on one file system), then the directory is flushed so the rename itself is durable.
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export async function writePrivateFile(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  const dirHandle = await open(dir, 'r');
  await dirHandle.sync().catch(() => undefined);
  await dirHandle.close();
}
