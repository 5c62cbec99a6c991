// The keyring that signs stream links (config/secrets.ts tokenKeyring), table-driven: generated
// into secrets.yaml only while gateway.tokens.keys is empty, kept beside the other secrets,
// verifying (first in the ring) but no longer signing once keys are configured, and rotated out
// by deleting it — the rotation docs/links.md#zero-setup describes, checked with real tokens.
import test from 'ava';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../../config/schema.ts';
import { GENERATED_TOKEN_KID, tokenKeyring } from '../../config/secrets.ts';
import { StreamTokens } from '../../policies/tokens.ts';

let root: string;
test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'icegate-keyring-'));
});
test.after.always(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const STORED = 'a-stored-generated-key-0123456789';
const MINE = { k1: 'the-operators-own-key-00000001' };

const cases: [string, Record<string, string>, string | null, string[], boolean][] = [
  // what, configured keys, tokenKey already in secrets.yaml, key ids of the ring (last signs), written
  ['first start, nothing configured: generated and stored', {}, null, [GENERATED_TOKEN_KID], true],
  ['next start: the stored key', {}, STORED, [GENERATED_TOKEN_KID], false],
  ['keys configured later: the generated one verifies, the configured one signs', MINE, STORED, [GENERATED_TOKEN_KID, 'k1'], false],
  ['keys configured from the start: none generated', MINE, null, ['k1'], false],
  ['a configured key named like the generated one wins', { [GENERATED_TOKEN_KID]: 'the-operators-own-key-00000002' }, STORED, [GENERATED_TOKEN_KID], false],
];

for (const [what, keys, stored, ring, written] of cases) {
  test(what, async (t) => {
    const stateDir = join(root, String(cases.findIndex((c) => c[0] === what)));
    const file = join(stateDir, 'secrets.yaml');
    if (stored !== null) {
      await mkdir(stateDir, { recursive: true });
      await writeFile(file, `sourcePassword: kept-password-1\ntokenKey: ${stored}\n`, { mode: 0o600 });
    }
    const before = stored === null ? null : await readFile(file, 'utf8');
    const got = await tokenKeyring(configSchema.parse({ stateDir, gateway: { tokens: { keys } } }));
    t.deepEqual(Object.keys(got), ring);
    if (written) {
      const saved = parse(await readFile(file, 'utf8')) as { tokenKey: string };
      t.is(saved.tokenKey, got[GENERATED_TOKEN_KID] ?? 'missing');
      t.regex(saved.tokenKey, /^[A-Za-z0-9_-]{43}$/);
      t.is((await stat(file)).mode & 0o777, 0o600);
    } else if (before !== null) {
      t.is(await readFile(file, 'utf8'), before, 'secrets.yaml untouched');
    } else {
      await t.throwsAsync(stat(file), { code: 'ENOENT' }, 'nothing written');
    }
    if (stored !== null && ring.includes(GENERATED_TOKEN_KID) && keys[GENERATED_TOKEN_KID] === undefined) t.is(got[GENERATED_TOKEN_KID], STORED);
  });
}

test('rotation: links of the generated key keep opening after a key is configured, until tokenKey is deleted', async (t) => {
  const stateDir = join(root, 'rotation');
  const now = Date.now();
  const before = new StreamTokens(await tokenKeyring(configSchema.parse({ stateDir })));
  const old = before.mint({ mount: '/live.mp3', ttlSeconds: 600 }, now);
  const after = new StreamTokens(await tokenKeyring(configSchema.parse({ stateDir, gateway: { tokens: { keys: MINE } } })));
  t.is(after.verify(old, '/live.mp3', now).kind, 'ok', 'the old link still opens');
  t.true(after.mint({ mount: '/live.mp3', ttlSeconds: 600 }, now).startsWith('k1.'), 'the configured key signs');
  // The operator deletes tokenKey once the old links have expired.
  await writeFile(join(stateDir, 'secrets.yaml'), 'sourcePassword: kept-password-1\n', { mode: 0o600 });
  const rotated = new StreamTokens(await tokenKeyring(configSchema.parse({ stateDir, gateway: { tokens: { keys: MINE } } })));
  t.is(rotated.verify(old, '/live.mp3', now).kind, 'unknown-key');
});
