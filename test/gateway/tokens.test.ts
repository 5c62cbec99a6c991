import { createHmac } from 'node:crypto';
import test from 'ava';
import { StreamTokens, TOKEN_ERRORS, TokenKeyError, newTokenId, splitTokenPath, tokenPath, type TokenVerdict } from '../../policies/tokens.ts';

const T0 = 1_700_000_000_000;
const KEYS = { k2025: 'old-secret-0123456789abcdef', k2026: 'new-secret-0123456789abcdef' };

function verdict(v: TokenVerdict): string {
  return v.kind;
}

test('a fresh token verifies for its mount before expiry', (t) => {
  const tokens = new StreamTokens(KEYS);
  const token = tokens.mint({ mount: '/live.mp3', ttlSeconds: 3600 }, T0);
  const v = tokens.verify(token, '/live.mp3', T0 + 3599_000);
  t.is(v.kind, 'ok');
  if (v.kind !== 'ok') return;
  t.is(v.claims.mount, '/live.mp3');
  t.is(v.claims.kid, 'k2026');
  t.is(v.claims.expiresAt, T0 + 3600_000);
  t.is(v.claims.maxUses, null);
  t.regex(v.claims.id, /^[A-Za-z0-9_-]{22}$/);
});

test('a token is URL-safe and fits in one path segment', (t) => {
  const token = new StreamTokens(KEYS).mint({ mount: '/some/deep/mount.ogg', ttlSeconds: 60, maxUses: 3 }, T0);
  t.regex(token, /^[A-Za-z0-9_.-]+$/);
  t.true(token.length < 200);
});

test('expired at and after its expiry, judged by the injected clock', (t) => {
  const tokens = new StreamTokens(KEYS);
  const token = tokens.mint({ mount: '/live.mp3', ttlSeconds: 60 }, T0);
  t.is(verdict(tokens.verify(token, '/live.mp3', T0 + 60_000)), 'expired');
  t.is(verdict(tokens.verify(token, '/live.mp3', T0 + 86_400_000)), 'expired');
});

test('wrong-mount when used for another mount', (t) => {
  const tokens = new StreamTokens(KEYS);
  const token = tokens.mint({ mount: '/live.mp3', ttlSeconds: 60 }, T0);
  t.is(verdict(tokens.verify(token, '/other.mp3', T0)), 'wrong-mount');
  t.is(verdict(tokens.verify(token, '/LIVE.mp3', T0)), 'wrong-mount');
});

const tamper = test.macro({
  exec(t, change: (parts: string[]) => void) {
    const tokens = new StreamTokens(KEYS);
    const parts = tokens.mint({ mount: '/live.mp3', ttlSeconds: 60 }, T0).split('.');
    change(parts);
    t.is(verdict(tokens.verify(parts.join('.'), '/live.mp3', T0)), 'tampered');
  },
  title: (what = '') => `tampered when ${what}`,
});

test('the claims are re-signed with another mount', tamper, (p) => {
  p[1] = Buffer.from(JSON.stringify([1, '/live.mp3', 9_999_999_999, 0, 'A'.repeat(22)])).toString('base64url');
});
test('the expiry is extended', tamper, (p) => {
  const claims = JSON.parse(Buffer.from(p[1]!, 'base64url').toString()) as unknown[];
  claims[2] = (claims[2] as number) + 86_400;
  p[1] = Buffer.from(JSON.stringify(claims)).toString('base64url');
});
test('one MAC character changes', tamper, (p) => {
  p[2] = (p[2]![0] === 'A' ? 'B' : 'A') + p[2]!.slice(1);
});
test('tampered when the MAC is spelt differently with the same bytes', (t) => {
  const tokens = new StreamTokens(KEYS);
  const [kid, claims, mac] = tokens.mint({ mount: '/live.mp3', ttlSeconds: 60 }, T0).split('.') as [string, string, string];
  // base64url's last character of a 32-byte value carries 2 unused bits.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const respelt = mac.slice(0, -1) + alphabet[alphabet.indexOf(mac.at(-1)!) ^ 1];
  t.true(Buffer.from(respelt, 'base64url').equals(Buffer.from(mac, 'base64url')));
  t.is(verdict(tokens.verify(`${kid}.${claims}.${respelt}`, '/live.mp3', T0)), 'tampered');
});
test('the key id names another known key', tamper, (p) => {
  p[0] = 'k2025';
});

test('unknown-key when the key id is not in the keyring', (t) => {
  const minted = new StreamTokens({ other: 'another-secret-0123456789' }).mint({ mount: '/live.mp3', ttlSeconds: 60 }, T0);
  t.is(verdict(new StreamTokens(KEYS).verify(minted, '/live.mp3', T0)), 'unknown-key');
});

test('revoked once its id is on the revocation list, from the constructor or revoke()', (t) => {
  const tokens = new StreamTokens(KEYS);
  const token = tokens.mint({ mount: '/live.mp3', ttlSeconds: 60 }, T0);
  const v = tokens.verify(token, '/live.mp3', T0);
  if (v.kind !== 'ok') return t.fail(v.kind);
  tokens.revoke(v.claims.id);
  t.is(verdict(tokens.verify(token, '/live.mp3', T0)), 'revoked');
  t.is(verdict(new StreamTokens(KEYS, [v.claims.id]).verify(token, '/live.mp3', T0)), 'revoked');
});

const malformed = test.macro({
  exec(t, token: string) {
    t.is(verdict(new StreamTokens(KEYS).verify(token, '/live.mp3', T0)), 'malformed');
  },
  title: (_t, token: string) => `malformed: ${JSON.stringify(token.slice(0, 60))}`,
});

test(malformed, '');
test(malformed, 'k2026');
test(malformed, 'k2026..AAAA');
test(malformed, 'k2026.e30.short');
test(malformed, `k2026.e30.${'A'.repeat(43)}.x`);
test(malformed, `k 2026.e30.${'A'.repeat(43)}`);
test(malformed, `${'k'.repeat(33)}.e30.${'A'.repeat(43)}`);
test(malformed, `k2026.${'A'.repeat(2000)}.${'A'.repeat(43)}`);

test('malformed when correctly signed claims do not decode to version-1 claims', (t) => {
  // Sign garbage with the real key, as a leaked-key or future-version token would look.
  const secret = KEYS.k2026;
  const tokens = new StreamTokens(KEYS);
  for (const body of ['not json', '[2,"/live.mp3",9999999999,0,"AAAAAAAAAAAAAAAAAAAAAA"]', '[1,"live.mp3",9999999999,0,"AAAAAAAAAAAAAAAAAAAAAA"]', '[1,"/live.mp3",1.5,0,"AAAAAAAAAAAAAAAAAAAAAA"]', '[1,"/live.mp3",9999999999,-1,"AAAAAAAAAAAAAAAAAAAAAA"]', '{"mount":"/live.mp3"}']) {
    const claims = Buffer.from(body).toString('base64url');
    const mac = createHmac('sha256', secret).update(`icegate-stream-token\nk2026\n${claims}`).digest('base64url');
    t.is(verdict(tokens.verify(`k2026.${claims}.${mac}`, '/live.mp3', T0)), 'malformed', body);
  }
});

test('the newest key signs and every key still verifies (rotation)', (t) => {
  const before = new StreamTokens({ k2025: KEYS.k2025 });
  const oldToken = before.mint({ mount: '/live.mp3', ttlSeconds: 60 }, T0);
  const rotated = new StreamTokens(KEYS);
  t.is(verdict(rotated.verify(oldToken, '/live.mp3', T0)), 'ok');
  t.true(rotated.mint({ mount: '/live.mp3', ttlSeconds: 60 }, T0).startsWith('k2026.'));
  t.is(verdict(new StreamTokens({ k2026: KEYS.k2026 }).verify(oldToken, '/live.mp3', T0)), 'unknown-key');
});

test('maxUses and a chosen id travel in the token', (t) => {
  const tokens = new StreamTokens(KEYS);
  const id = 'abcdefghijklmnopqrstuv';
  const v = tokens.verify(tokens.mint({ mount: '/live.mp3', ttlSeconds: 60, maxUses: 2, id }, T0), '/live.mp3', T0);
  t.like(v, { kind: 'ok', claims: { maxUses: 2, id } });
});

test('mint refuses bad options with a clear error', (t) => {
  const tokens = new StreamTokens(KEYS);
  t.throws(() => tokens.mint({ mount: 'live.mp3', ttlSeconds: 60 }, T0), { instanceOf: RangeError, message: /mount/ });
  t.throws(() => tokens.mint({ mount: '/live.mp3', ttlSeconds: 0 }, T0), { message: /ttlSeconds/ });
  t.throws(() => tokens.mint({ mount: '/live.mp3', ttlSeconds: 1.5 }, T0), { message: /ttlSeconds/ });
  t.throws(() => tokens.mint({ mount: '/live.mp3', ttlSeconds: 60, maxUses: -1 }, T0), { message: /maxUses/ });
  t.throws(() => tokens.mint({ mount: '/live.mp3', ttlSeconds: 60, id: 'x' }, T0), { message: /id/ });
});

test('a bad keyring is refused naming the key id, never the secret', (t) => {
  t.throws(() => new StreamTokens({}), { instanceOf: TokenKeyError, message: /empty/ });
  const short = t.throws(() => new StreamTokens({ k1: 'short-secret' }), { instanceOf: TokenKeyError });
  t.regex(short.message, /"k1"/);
  t.false(short.message.includes('short-secret'));
  t.throws(() => new StreamTokens({ 'bad kid': 'long-enough-secret-0123' }), { instanceOf: TokenKeyError, message: /key id/ });
});

test('every refusal maps to a gateway error code', (t) => {
  t.deepEqual(TOKEN_ERRORS, {
    expired: 'GW_TOKEN_EXPIRED',
    'wrong-mount': 'GW_TOKEN_WRONG_MOUNT',
    revoked: 'GW_TOKEN_REVOKED',
    tampered: 'GW_TOKEN_INVALID',
    'unknown-key': 'GW_TOKEN_INVALID',
    malformed: 'GW_TOKEN_INVALID',
  });
});

test('tokenPath and splitTokenPath are inverse; HLS segment URLs inherit the token', (t) => {
  const path = tokenPath('k.a.b', '/hls/live.mp3/index.m3u8');
  t.is(path, '/t/k.a.b/hls/live.mp3/index.m3u8');
  t.deepEqual(splitTokenPath(path), { token: 'k.a.b', rest: '/hls/live.mp3/index.m3u8' });
  const segment = new URL('seg-42.mp3', `http://h${path}`).pathname;
  t.deepEqual(splitTokenPath(segment), { token: 'k.a.b', rest: '/hls/live.mp3/seg-42.mp3' });
  t.is(splitTokenPath('/live.mp3'), null);
  t.deepEqual(splitTokenPath('/t/abc'), { token: 'abc', rest: '' });
});

test('token ids never start with "-" (a CLI would read `--revoke -x…` as an option)', (t) => {
  // Drawn plainly, 1 id in 64 would start with "-": 2000 draws find one almost surely.
  const ids = Array.from({ length: 2000 }, () => newTokenId());
  t.false(ids.some((id) => id.startsWith('-')));
  t.true(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id)));
});
