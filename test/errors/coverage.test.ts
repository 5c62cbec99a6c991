// The keeper: every code of every error catalogue is named by a test that provokes it. A plain text
// scan of test/**/*.ts, leaving out the files that only list the catalogues (rendering, naming and
// documentation tests, the dashboard's display fixtures), which name every code without sending it.
// The tests that do provoke each code are beside the code's component, or in test/errors/.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOGUES } from '../../scripts/error-catalogues.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Name, not provoke: these files list codes for rendering, naming rules, docs or display. */
const LISTINGS = [/^test\/errors\/(coverage|docs)\.test\.ts$/, /^test\/stream\/responses\.test\.ts$/, /^test\/gateway\/errors\.test\.ts$/, /^test\/tui\//];

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter(keep);
}

const isTs = (path: string): boolean => path.endsWith('.ts');
const tests = files('test', (p) => isTs(p) && !LISTINGS.some((re) => re.test(p))).map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));

/** UPPER_SNAKE codes as whole words; kebab-case ones as a quoted literal, so prose does not count. */
function named(code: string, text: string): boolean {
  const escaped = code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = /^[A-Z0-9_]+$/.test(code) ? `\\b${escaped}\\b` : `['"\`]${escaped}['"\`]`;
  return new RegExp(pattern).test(text);
}

test('the scan sees the test files', (t) => {
  t.true(tests.length > 50, `${tests.length} test files`);
  t.true(tests.some((f) => f.path === 'test/errors/control.test.ts'));
});

test('every catalogued code is provoked by a test (named outside the listing files)', (t) => {
  const missing: string[] = [];
  for (const { file, codes } of CATALOGUES) {
    for (const code of codes) if (!tests.some((f) => named(code, f.text))) missing.push(`${code} (${file})`);
  }
  t.deepEqual(missing, [], 'write a test that provokes each of these through the real code path and asserts the code, or remove the code if nothing can send it');
});

test('every error catalogue in the sources is registered for docs/errors.md and this scan', (t) => {
  // A catalogue declares its entry type (`interface …ErrorEntry`) and a table that satisfies it.
  const sources = ['bin', 'cli', 'config', 'contracts', 'gateway', 'policies', 'relay', 'stream', 'supervisor', 'tui'].flatMap((dir) => files(dir, isTs));
  const declaring = sources.filter((path) => /satisfies Record<string, \w*ErrorEntry>/.test(readFileSync(join(ROOT, path), 'utf8')));
  t.true(declaring.length >= 3);
  t.deepEqual(declaring.sort(), CATALOGUES.map((c) => c.file).sort(), 'add the new catalogue to scripts/error-catalogues.ts and run npm run docs:errors');
});

const scans: [string, string, boolean][] = [
  ['GW_BANNED', "t.is(code, 'GW_BANNED')", true],
  ['GW_BANNED', 'GW_BANNED_FOREVER', false],
  ['no-source', "{ code: 'no-source' }", true],
  ['no-source', 'a mount with no-source in prose', false],
  ['failed', '"failed"', true],
];
for (const [code, text, expected] of scans) {
  test(`scan: ${code} in ${JSON.stringify(text)} → ${expected}`, (t) => t.is(named(code, text), expected));
}
