import test from 'ava';
import { z } from 'zod';
import { describeIssue, problemsFromIssues, type IssueLike } from '../../config/issues.ts';
import { knownKeysAt, suggestKey } from '../../config/schema-keys.ts';
import { configSchema } from '../../config/schema.ts';

const describes = test.macro({
  exec(t, issue: IssueLike, expected: string | undefined) {
    t.is(describeIssue(issue), expected);
  },
  title: (title = '', _issue, expected) => `${title} → ${expected ?? "zod's own message"}`,
});

test('missing value', describes, { code: 'invalid_type', expected: 'number', input: undefined }, 'is required');
test('text for a number', describes, { code: 'invalid_type', expected: 'number', input: 'x' }, 'must be a number');
test('fraction for an int', describes, { code: 'invalid_type', expected: 'int', input: 1.5 }, 'must be a whole number');
test('empty value', describes, { code: 'invalid_type', expected: 'string', input: null }, 'must be a string (the value is empty)');
test('number for a string', describes, { code: 'invalid_type', expected: 'string', input: 3 }, 'must be a string (put it in quotes)');
test('YAML 1.1 "off"', describes, { code: 'invalid_type', expected: 'boolean', input: 'Off' }, 'must be true or false (YAML 1.2 reads Off as text)');
test('other text for a boolean', describes, { code: 'invalid_type', expected: 'boolean', input: 'maybe' }, 'must be true or false');
test('list for a record', describes, { code: 'invalid_type', expected: 'record', input: [] }, 'must be a mapping');
test('scalar for a list', describes, { code: 'invalid_type', expected: 'array', input: 'x' }, 'must be a list');
test('inclusive minimum', describes, { code: 'too_small', origin: 'number', minimum: 1, inclusive: true }, 'must be at least 1');
test('exclusive minimum', describes, { code: 'too_small', origin: 'number', minimum: 0, inclusive: false }, 'must be greater than 0');
test('inclusive maximum', describes, { code: 'too_big', origin: 'number', maximum: 65535, inclusive: true }, 'must be at most 65535');
test('exclusive maximum', describes, { code: 'too_big', origin: 'number', maximum: 10, inclusive: false }, 'must be less than 10');
test('empty string', describes, { code: 'too_small', origin: 'string', minimum: 1 }, 'must not be empty');
test('short string', describes, { code: 'too_small', origin: 'string', minimum: 8 }, 'must be at least 8 characters long');
test('short list', describes, { code: 'too_small', origin: 'array', minimum: 2 }, 'must have at least 2 entries');
test('bad URL', describes, { code: 'invalid_format', format: 'url' }, 'must be a URL such as http://host.example:8000/live.mp3');
test('enum', describes, { code: 'invalid_value', values: ['a', 'b'] }, 'must be one of "a", "b"');
test('custom refinement', describes, { code: 'custom' }, undefined);

test('an unknown key is reported at its own path, with the likely meant key', (t) => {
  const parsed = configSchema.safeParse({ relay: { mounts: { '/a': { maxlisteners: 1, color: 'red' } } } });
  t.false(parsed.success);
  t.deepEqual(problemsFromIssues(parsed.error?.issues ?? [], configSchema), [
    { path: ['relay', 'mounts', '/a', 'maxlisteners'], message: 'unknown key (did you mean maxListeners?)' },
    { path: ['relay', 'mounts', '/a', 'color'], message: 'unknown key' },
  ]);
});

test('a bad record key is reported at the key, with the rule of the name', (t) => {
  const parsed = configSchema.safeParse({ relay: { mounts: { live: {} } } });
  t.deepEqual(problemsFromIssues(parsed.error?.issues ?? [], configSchema), [
    { path: ['relay', 'mounts', 'live'], message: 'name must start with "/" and contain only URL path characters' },
  ]);
});

test('list indices stay numbers in the path', (t) => {
  const parsed = configSchema.safeParse({ relay: { relays: [{ url: 'http://a.example/x' }, { url: 'nope' }] } }, { error: describeIssue });
  t.deepEqual(problemsFromIssues(parsed.error?.issues ?? [], configSchema), [
    { path: ['relay', 'relays', 1, 'url'], message: 'must be a URL such as http://host.example:8000/live.mp3' },
  ]);
});

test('known keys are found through defaults, nullables, records and lists', (t) => {
  t.true(knownKeysAt(configSchema, ['relay', 'limits']).includes('queueSize'));
  t.true(knownKeysAt(configSchema, ['relay', 'mounts', '/any']).includes('fallbackMount'));
  t.true(knownKeysAt(configSchema, ['relay', 'relays', 0]).includes('localMount'));
  t.true(knownKeysAt(configSchema, ['relay', 'master']).includes('updateInterval'));
  t.deepEqual(knownKeysAt(configSchema, ['relay', 'port']), []);
  t.deepEqual(knownKeysAt(z.object({ a: z.string() }), ['a', 'b']), []);
});

const suggests = test.macro({
  exec(t, unknown: string, expected: string | null) {
    t.is(suggestKey(unknown, ['queueSize', 'burstSize', 'port', 'host', 'sourceTimeout']), expected);
  },
  title: (_title, unknown: string, expected: string | null) => `suggestion for ${unknown}: ${expected ?? 'none'}`,
});

test(suggests, 'queue-size', 'queueSize');
test(suggests, 'BURST_SIZE', 'burstSize');
test(suggests, 'sourceTimout', 'sourceTimeout');
test(suggests, 'prot', 'port');
test(suggests, 'pt', null);
test(suggests, 'colour', null);
