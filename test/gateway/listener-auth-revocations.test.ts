// The revocation list of stream links: its file format, `icegate token --revoke`'s rewrite, and
// the gateway's view of it following every change without a restart.
import test from 'ava';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRevocations, RevocationList, revokeInFile } from '../../gateway/listener-auth/revocations.ts';

const A = 'AAAAAAAAAAAAAAAAAAAAAA';
const B = 'BBBBBBBBBBBBBBBBBBBBB_';

async function tempFile(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-revoked-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'state', 'revoked-tokens.txt');
}

test('parse: ids, comments and blank lines; other lines are named, not fatal', (t) => {
  const { ids, bad } = parseRevocations(`# comment\n${A}\n\n  ${B}  \nnot-an-id\r\n${A}x\n`);
  t.deepEqual([...ids], [A, B]);
  t.deepEqual(bad, [5, 6]);
});

test('revokeInFile creates the file owner-only, appends, and reports a repeat', async (t) => {
  const file = await tempFile(t);
  t.true(await revokeInFile(file, A));
  t.true(await revokeInFile(file, B));
  t.false(await revokeInFile(file, A));
  t.deepEqual([...parseRevocations(await readFile(file, 'utf8')).ids], [A, B]);
  t.is((await stat(file)).mode & 0o777, 0o600);
  await t.throwsAsync(revokeInFile(file, 'short'), { instanceOf: RangeError });
});

test('the list follows the file: missing, written, rewritten, garbled', async (t) => {
  const file = await tempFile(t);
  const problems: string[] = [];
  const list = new RevocationList(file, (m) => problems.push(m));
  t.deepEqual([...(await list.current())], []);
  await revokeInFile(file, A);
  const first = await list.current();
  t.deepEqual([...first], [A]);
  t.is(await list.current(), first, 'unchanged file, same set: not re-read');
  await revokeInFile(file, B);
  t.deepEqual([...(await list.current())], [A, B]);
  await writeFile(file, `${A}\nnonsense\n`);
  t.deepEqual([...(await list.current())], [A]);
  t.deepEqual(problems, ['line 2 is not a token id, skipped']);
});
