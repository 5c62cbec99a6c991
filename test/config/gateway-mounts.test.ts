// gateway.tokens and gateway.mounts: listener authentication in gateway.yaml.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { listenerAuthSchema } from '../../config/schema.ts';
import { formatConfigError } from '../../config/errors.ts';
import { parseConfigText } from '../../config/load.ts';

const rejects = test.macro({
  exec(t, yaml: string, expected: string) {
    const result = parseConfigText(yaml, 'gateway.yaml', '/srv/icegate');
    if (result.ok) return t.fail('accepted');
    t.deepEqual(result.errors.map(formatConfigError), [expected]);
  },
  title: (title = '') => `rejected: ${title}`,
});

test('htpasswd mode without a file', rejects, 'gateway:\n  mounts:\n    /a.mp3:\n      auth: htpasswd\n', 'gateway.yaml:3: gateway.mounts./a.mp3.htpasswd: auth: htpasswd needs a file');
test('webhook mode without a webhook', rejects, 'gateway:\n  mounts:\n    /a.mp3:\n      auth: webhook\n', 'gateway.yaml:3: gateway.mounts./a.mp3.webhook: auth: webhook needs a webhook');
test('a short token key', rejects, 'gateway:\n  tokens:\n    keys:\n      k1: short\n', 'gateway.yaml:4: gateway.tokens.keys.k1: must be at least 16 characters');
test('a webhook that is not http(s)', rejects, 'gateway:\n  mounts:\n    /a.mp3:\n      auth: webhook\n      webhook:\n        url: ftp://auth.example/\n', 'gateway.yaml:6: gateway.mounts./a.mp3.webhook.url: must be an http:// or https:// URL');

test('token mode needs no key: one is generated into secrets.yaml at start', (t) => {
  const result = parseConfigText('gateway:\n  mounts:\n    /a.mp3:\n      auth: token\n', 'gateway.yaml', '/srv/icegate');
  if (!result.ok) return t.fail(result.errors.map(formatConfigError).join('\n'));
  t.is(result.config.gateway.mounts['/a.mp3']?.auth, 'token');
  t.deepEqual(result.config.gateway.tokens.keys, {});
});

test('a complete listener-auth setup is accepted with defaults filled in', (t) => {
  const yaml = 'gateway:\n  tokens:\n    keys:\n      k1: 0123456789abcdef\n  mounts:\n    /a.mp3:\n      auth: token\n    /b.mp3:\n      auth: webhook\n      webhook:\n        url: https://auth.example/icecast\n';
  const result = parseConfigText(yaml, 'gateway.yaml', '/srv/icegate');
  if (!result.ok) return t.fail(result.errors.map(formatConfigError).join('\n'));
  t.deepEqual(result.config.gateway.mounts['/b.mp3'], { auth: 'webhook', htpasswd: null, webhook: { url: 'https://auth.example/icecast', timeout: 5, headers: {} }, maxUsesPerToken: null, listed: false });
});

test('the shipped gateway.yaml shows every listener-auth setting in a commented example', async (t) => {
  const shipped = await readFile(new URL('../../gateway.yaml', import.meta.url), 'utf8');
  const commented = new Set(shipped.split('\n').map((line) => /^\s*#\s+([A-Za-z]+):/.exec(line)?.[1]));
  t.deepEqual(
    [...Object.keys(listenerAuthSchema.shape), 'url', 'timeout', 'headers', 'keys'].filter((key) => !commented.has(key)),
    [],
  );
});
