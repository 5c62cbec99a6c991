import test from 'ava';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../../config/schema.ts';
import { generateSecret, resolveSecrets, SecretsError } from '../../config/secrets.ts';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-secrets-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const defaults = configSchema.parse({});

test('a generated secret is 24 base64url characters and differs each time', (t) => {
  const a = generateSecret();
  t.regex(a, /^[A-Za-z0-9_-]{24}$/);
  t.not(a, generateSecret());
});

test('first start generates every missing password into an owner-only secrets.yaml', async (t) => {
  const stateDir = join(await tempDir(t), 'state');
  const { secrets, generated, file, warnings } = await resolveSecrets(defaults, { stateDir });
  t.deepEqual(generated, ['sourcePassword', 'adminPassword', 'relayPassword']);
  t.is(file, join(stateDir, 'secrets.yaml'));
  t.deepEqual(warnings, []);
  t.deepEqual(parse(await readFile(file, 'utf8')), secrets);
  t.is((await stat(stateDir)).mode & 0o777, 0o700);
  t.is((await stat(file)).mode & 0o777, 0o600);
  t.deepEqual(await readdir(stateDir), ['secrets.yaml'], 'no temporary file is left behind');
  for (const value of Object.values(secrets)) t.regex(value, /^[A-Za-z0-9_-]{24}$/);
});

test('the next start reads the same secrets and generates nothing', async (t) => {
  const stateDir = await tempDir(t);
  const first = await resolveSecrets(defaults, { stateDir });
  const before = await readFile(first.file, 'utf8');
  const second = await resolveSecrets(defaults, { stateDir });
  t.deepEqual(second.secrets, first.secrets);
  t.deepEqual(second.generated, []);
  t.is(await readFile(first.file, 'utf8'), before);
});

test('a password set in the config wins and is not copied into secrets.yaml', async (t) => {
  const stateDir = await tempDir(t);
  await writeFile(join(stateDir, 'secrets.yaml'), 'adminPassword: from-the-secrets-file\n', { mode: 0o600 });
  const config = configSchema.parse({ relay: { auth: { adminPassword: 'from-the-config' } } });
  const { secrets, generated, file } = await resolveSecrets(config, { stateDir });
  t.is(secrets.adminPassword, 'from-the-config');
  t.deepEqual(generated, ['sourcePassword', 'relayPassword']);
  const stored = parse(await readFile(file, 'utf8'));
  t.is(stored.adminPassword, 'from-the-secrets-file', 'the stored one is kept untouched');
  t.is(stored.sourcePassword, secrets.sourcePassword);
});

test('stored secrets are kept when only some are missing', async (t) => {
  const stateDir = await tempDir(t);
  await writeFile(join(stateDir, 'secrets.yaml'), 'sourcePassword: stored-source-pw\n', { mode: 0o600 });
  const { secrets, generated } = await resolveSecrets(defaults, { stateDir });
  t.is(secrets.sourcePassword, 'stored-source-pw');
  t.deepEqual(generated, ['adminPassword', 'relayPassword']);
});

test('stateDir defaults to the config value', async (t) => {
  const stateDir = await tempDir(t);
  const { file } = await resolveSecrets({ ...defaults, stateDir });
  t.is(file, join(stateDir, 'secrets.yaml'));
});

const refuses = test.macro(async (t, content: string, expected: RegExp) => {
  const stateDir = await tempDir(t);
  const file = join(stateDir, 'secrets.yaml');
  await writeFile(file, content, { mode: 0o600 });
  const error = await t.throwsAsync(resolveSecrets(defaults, { stateDir }), { instanceOf: SecretsError });
  t.regex(error?.message ?? '', expected);
  t.is(await readFile(file, 'utf8'), content, 'a file that cannot be trusted is never overwritten');
});

test('a secrets file that is not YAML is refused', refuses, 'adminPassword: "open\n', /secrets\.yaml: invalid YAML/);
test('a secrets file with an unknown key is refused', refuses, 'adminPasword: long-enough-pw\n', /secrets\.yaml: unknown key adminPasword$/);
test('a secrets file with a short password is refused', refuses, 'relayPassword: short\n', /secrets\.yaml: relayPassword: must be at least 8 characters long$/);

test('a secrets file others can read is flagged', async (t) => {
  const stateDir = await tempDir(t);
  const file = join(stateDir, 'secrets.yaml');
  await writeFile(file, 'sourcePassword: stored-source-pw\nadminPassword: stored-admin-pw\nrelayPassword: stored-relay-pw\n');
  await chmod(file, 0o644);
  const { warnings } = await resolveSecrets(defaults, { stateDir });
  t.deepEqual(warnings, [`${file} can be read by other users; restrict it with: chmod 600 ${file}`]);
});
