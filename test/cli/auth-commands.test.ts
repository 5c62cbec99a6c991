// `icegate token`, `icegate passwd` and `icegate cert` as the operator calls them: help, usage
// errors, and what each writes. (Round trips through a running gateway are in test/gateway/.)
import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { passwdCommand } from '../../cli/passwd.ts';
import { main } from '../../cli/main.ts';
import type { Io } from '../../cli/io.ts';
import { readHtpasswdFile } from '../../gateway/listener-auth/htpasswd-file.ts';
import { verifyUser } from '../../gateway/listener-auth/htpasswd.ts';
import { StreamTokens } from '../../policies/tokens.ts';
import { GENERATED_TOKEN_KID } from '../../config/secrets.ts';
import { parse as parseYaml } from 'yaml';
import { runCli } from './run-cli.ts';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-auth-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function collect(): Io & { outText(): string; errText(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

const helps = test.macro({
  async exec(t, command: string, usage: RegExp) {
    const io = collect();
    t.is(await main([command, '--help'], io), 0);
    t.regex(io.outText(), usage);
  },
  title: (_title, command: string) => `icegate ${command} --help`,
});
test(helps, 'token', /^Usage: icegate token --mount MOUNT \[--ttl SECONDS\] \[--max-uses N\] \[--base URL\] \[-c FILE\]\n {7}icegate token --revoke ID/);
test(helps, 'passwd', /^Usage: icegate passwd \[--file PATH\] \[-c FILE\] USER\n[\s\S]*--delete USER/);
test(helps, 'cert', /^Usage: icegate cert server \[--names NAME,…\][\s\S]*icegate cert ca[\s\S]*icegate cert client NAME \[--out DIR\] \[--p12-password PASSWORD\]/);

const misuse = test.macro({
  async exec(t, argv: string[], message: RegExp) {
    const io = collect();
    t.is(await main(argv, io), 2);
    t.regex(io.errText(), message);
  },
  title: (_title, argv: string[]) => `usage error: icegate ${argv.join(' ')}`,
});
test(misuse, ['token'], /give either --mount or --revoke/);
test(misuse, ['token', '--mount', '/a.mp3', '--revoke', 'AAAAAAAAAAAAAAAAAAAAAA'], /give either --mount or --revoke/);
test(misuse, ['token', '--mount', 'live.mp3'], /--mount must be a mount name/);
test(misuse, ['token', '--mount', '/a.mp3', '--ttl', '0'], /--ttl must be a whole number ≥ 1/);
test(misuse, ['token', '--mount', '/a.mp3', '--max-uses', '-1'], /--max-uses/);
test(misuse, ['token', '--mount', '/a.mp3', '--base', 'ftp://x'], /--base must be http/);
test(misuse, ['token', '--revoke', 'abc'], /a token id is 22 characters/);
test(misuse, ['passwd', '--file', 'x'], /name exactly one USER/);
test(misuse, ['passwd', '--file', 'x', 'a:b'], /user name/);
test(misuse, ['cert'], /say which: server, ca or client NAME/);
test(misuse, ['cert', 'client'], /cert client needs a NAME/);
test(misuse, ['cert', 'server', '--frob'], /Unknown option '--frob'/);

test('token with no key configured signs with the key kept in the state directory, the one the gateway verifies with', async (t) => {
  const dir = await tempDir(t);
  const first = await runCli(['token', '--mount', '/live.mp3'], dir);
  t.is(first.code, 0, first.stderr);
  const second = await runCli(['token', '--mount', '/live.mp3'], dir);
  t.is(second.code, 0, second.stderr);
  const stored = parseYaml(await readFile(join(dir, 'state', 'secrets.yaml'), 'utf8')) as { tokenKey?: string };
  if (typeof stored.tokenKey !== 'string') return t.fail('no tokenKey in state/secrets.yaml');
  t.is((await stat(join(dir, 'state', 'secrets.yaml'))).mode & 0o777, 0o600);
  // Both links verify with the one stored key: the second run reused it.
  const ring = new StreamTokens({ [GENERATED_TOKEN_KID]: stored.tokenKey });
  for (const run of [first, second]) {
    const match = /\/t\/([^/]+)\/live\.mp3\n$/.exec(run.stdout);
    if (!match) return t.fail(run.stdout);
    t.is(ring.verify(match[1]!, '/live.mp3', Date.now()).kind, 'ok');
  }
});

test('token prints a link signed by the last key, for the configured host and TLS port by default', async (t) => {
  const dir = await tempDir(t);
  const keys = { a: 'first-key-0123456789', b: 'second-key-0123456789' };
  await writeFile(join(dir, 'gateway.yaml'), `relay:\n  hostname: radio.example\ngateway:\n  listener:\n    tlsPort: 9443\n  tokens:\n    keys:\n      a: ${keys.a}\n      b: ${keys.b}\n`);
  const run = await runCli(['token', '--mount', '/live.mp3', '--ttl', '120', '--max-uses', '3'], dir);
  t.is(run.code, 0, run.stderr);
  const match = /^https:\/\/radio\.example:9443\/t\/([^/]+)\/live\.mp3\n$/.exec(run.stdout);
  if (!match) return t.fail(run.stdout);
  const verdict = new StreamTokens(keys).verify(match[1]!, '/live.mp3', Date.now());
  if (verdict.kind !== 'ok') return t.fail(verdict.kind);
  t.is(verdict.claims.kid, 'b');
  t.is(verdict.claims.maxUses, 3);
  t.true(verdict.claims.expiresAt > Date.now() + 100_000 && verdict.claims.expiresAt <= Date.now() + 120_000);
  t.true(run.stderr.includes(`id ${verdict.claims.id}, expires `));
  t.true(run.stderr.includes('"icegate link create" makes labelled ones'), 'the operator is pointed to icegate link');
});

/** passwd with the password on a non-terminal stdin. */
async function passwd(argv: string[], stdin: string): Promise<{ code: number; io: ReturnType<typeof collect> }> {
  const io = collect();
  const command = passwdCommand({ input: Readable.from([stdin]), output: new Writable({ write: (_c, _e, cb) => cb() }) });
  return { code: await command.run(argv, io), io };
}

test('passwd adds, changes and deletes a user; the file is bcrypt and owner-only', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'listeners.htpasswd');
  t.is((await passwd(['--file', file, 'alice'], 'first-pw\nignored second line\n')).code, 0);
  t.is((await passwd(['--file', file, 'bob'], 'bob-pw')).code, 0);
  t.true(await verifyUser(await readHtpasswdFile(file), 'alice', 'first-pw'));
  t.is((await stat(file)).mode & 0o777, 0o600);
  t.is((await passwd(['--file', file, 'alice'], 'second-pw\n')).code, 0);
  const table = await readHtpasswdFile(file);
  t.false(await verifyUser(table, 'alice', 'first-pw'));
  t.true(await verifyUser(table, 'alice', 'second-pw'));
  t.deepEqual([...table.users.keys()], ['alice', 'bob'], 'a changed user keeps its line');
  const deleted = await passwd(['--file', file, '--delete', 'alice'], '');
  t.is(deleted.code, 0);
  t.deepEqual([...(await readHtpasswdFile(file)).users.keys()], ['bob']);
  t.is((await passwd(['--file', file, '--delete', 'alice'], '')).code, 1);
});

test('passwd refuses an empty password and leaves the file alone', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'listeners.htpasswd');
  const run = await passwd(['--file', file, 'alice'], '\n');
  t.is(run.code, 1);
  t.is(run.io.errText(), 'icegate passwd: the password is empty');
  await t.throwsAsync(readFile(file), { code: 'ENOENT' });
});

test('passwd finds the file in the configuration, relative to it', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'gateway.yaml'), 'gateway:\n  mounts:\n    /m.mp3:\n      auth: htpasswd\n      htpasswd: users.htpasswd\n');
  const run = await passwd(['-c', join(dir, 'gateway.yaml'), 'carol'], 'carol-pw\n');
  t.is(run.code, 0, run.io.errText());
  t.true(await verifyUser(await readHtpasswdFile(join(dir, 'users.htpasswd')), 'carol', 'carol-pw'));
});

test('cert server, ca and client write into stateDir/tls', async (t) => {
  const dir = await tempDir(t);
  const server = await runCli(['cert', 'server', '--names', 'radio.example,192.0.2.7'], dir);
  t.is(server.code, 0, server.stderr);
  const cert = new X509Certificate(await readFile(join(dir, 'state', 'tls', 'server.crt')));
  t.regex(cert.subjectAltName ?? '', /DNS:radio\.example/);
  t.regex(cert.subjectAltName ?? '', /IP Address:192\.0\.2\.7/);
  t.is((await stat(join(dir, 'state', 'tls', 'server.key'))).mode & 0o777, 0o600);

  const client = await runCli(['cert', 'client', 'alice@laptop', '--out', 'out', '--p12-password', 'import-me'], dir);
  t.is(client.code, 0, client.stderr);
  t.regex(client.stdout, /created the admin CA/);
  const ca = new X509Certificate(await readFile(join(dir, 'state', 'tls', 'admin-ca.crt')));
  const issued = new X509Certificate(await readFile(join(dir, 'out', 'alice@laptop.crt')));
  t.true(issued.verify(ca.publicKey), 'issued by the admin CA');
  t.regex(issued.subject, /CN=alice@laptop/);
  t.true((await stat(join(dir, 'out', 'alice@laptop.p12'))).size > 0);

  const again = await runCli(['cert', 'ca'], dir);
  t.is(again.code, 1, 'an existing CA is kept');
  t.regex(again.stderr, /--force replaces it/);
  t.deepEqual(new X509Certificate(await readFile(join(dir, 'state', 'tls', 'admin-ca.crt'))).fingerprint256, ca.fingerprint256);
  t.is((await runCli(['cert', 'ca', '--force'], dir)).code, 0);
  t.notDeepEqual(new X509Certificate(await readFile(join(dir, 'state', 'tls', 'admin-ca.crt'))).fingerprint256, ca.fingerprint256);
});
