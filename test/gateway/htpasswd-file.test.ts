import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { HtpasswdError } from '../../gateway/listener-auth/htpasswd.ts';
import { HtpasswdStore, deleteUser, readHtpasswdFile, setPassword, writeHtpasswdFile } from '../../gateway/listener-auth/htpasswd-file.ts';
import { parseHtpasswd } from '../../gateway/listener-auth/htpasswd.ts';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'icegate-htpasswd-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Replace the file atomically with raw text, as an editor or `icegate passwd` would. */
async function replace(file: string, text: string): Promise<void> {
  await writeFile(`${file}.new`, text);
  await rename(`${file}.new`, file);
}

test('setPassword creates a 0600 file with a bcrypt entry', async (t) => {
  const file = path.join(await tempDir(t), 'listeners.htpasswd');
  await setPassword(file, 'alice', 'pass-1', 4);
  t.is((await stat(file)).mode & 0o777, 0o600);
  t.regex(await readFile(file, 'utf8'), /^alice:\$2y\$04\$[./A-Za-z0-9]{53}\n$/);
});

test('setPassword changes a password in place, keeping comments and order', async (t) => {
  const file = path.join(await tempDir(t), 'htpasswd');
  await setPassword(file, 'alice', 'old', 4);
  await setPassword(file, 'bob', 'bob-pass', 4);
  const before = await readFile(file, 'utf8');
  await writeFile(file, `# managed by icegate passwd\n${before}`);
  await setPassword(file, 'alice', 'new', 4);
  const store = await HtpasswdStore.open(file);
  t.true(await store.verify('alice', 'new'));
  t.false(await store.verify('alice', 'old'));
  t.true(await store.verify('bob', 'bob-pass'));
  const lines = (await readFile(file, 'utf8')).split('\n');
  t.is(lines[0], '# managed by icegate passwd');
  t.deepEqual(lines.slice(1, 3).map((l) => l.split(':')[0]), ['alice', 'bob']);
});

test('deleteUser removes a user and reports whether it existed', async (t) => {
  const file = path.join(await tempDir(t), 'htpasswd');
  await setPassword(file, 'alice', 'a', 4);
  await setPassword(file, 'bob', 'b', 4);
  t.true(await deleteUser(file, 'alice'));
  t.false(await deleteUser(file, 'alice'));
  t.deepEqual([...(await readHtpasswdFile(file)).users.keys()], ['bob']);
});

test('rewrites leave no temp files behind, also when the rename fails', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'htpasswd');
  await setPassword(file, 'alice', 'a', 4);
  await setPassword(file, 'alice', 'b', 4);
  t.deepEqual(await readdir(dir), ['htpasswd']);
  const blocked = path.join(dir, 'blocked');
  await mkdir(path.join(blocked, 'x'), { recursive: true });
  await t.throwsAsync(writeHtpasswdFile(blocked, parseHtpasswd('')));
  t.deepEqual((await readdir(dir)).sort(), ['blocked', 'htpasswd']);
});

test('a bad file is refused at start-up naming the file and the line', async (t) => {
  const file = path.join(await tempDir(t), 'htpasswd');
  await writeFile(file, 'alice:$apr1$O5Mx8b3A$u0Yf9d9rVWkXbbuyZhPcf/\n');
  const err = await t.throwsAsync(HtpasswdStore.open(file), { instanceOf: HtpasswdError });
  t.is(err.message, `${file}: htpasswd line 1 (user "alice") uses an MD5 (apr1) hash; only bcrypt is accepted (htpasswd -B, or icegate passwd)`);
  t.is(err.line, 1);
});

test('setPassword refuses to rewrite a file it cannot parse', async (t) => {
  const file = path.join(await tempDir(t), 'htpasswd');
  await writeFile(file, 'alice:plain\n');
  await t.throwsAsync(setPassword(file, 'bob', 'b', 4), { instanceOf: HtpasswdError });
  t.is(await readFile(file, 'utf8'), 'alice:plain\n');
});

test('a watched file is reloaded on change; a bad or missing file keeps the old table', async (t) => {
  const file = path.join(await tempDir(t), 'htpasswd');
  await setPassword(file, 'alice', 'a', 4);
  const store = await HtpasswdStore.open(file);
  t.teardown(() => store.close());
  store.watch();

  const reloaded = once(store, 'reload');
  await setPassword(file, 'bob', 'b', 4);
  t.deepEqual(await reloaded, [2]);
  t.true(await store.verify('bob', 'b'));

  const failed = once(store, 'reloadFailed');
  await replace(file, 'alice:plain-text\n');
  const [err] = (await failed) as [Error];
  t.regex(err.message, /line 1 \(user "alice"\) uses a plain-text password/);
  t.true(await store.verify('alice', 'a'));
  t.true(await store.verify('bob', 'b'));

  const gone = once(store, 'reloadFailed');
  await rm(file);
  t.like((await gone)[0], { code: 'ENOENT' });
  t.deepEqual(store.users, ['alice', 'bob']);
});
