// The shipped gateway.yaml is the manual: it must mean exactly the built-in defaults, spell out
// every key, and show every mount, relay and master setting in its examples.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { configSchema, masterSchema, mountSchema, relayPullSchema } from '../../config/schema.ts';
import { formatConfigError } from '../../config/errors.ts';
import { defaultConfig, parseConfigText } from '../../config/load.ts';

const shippedUrl = new URL('../../gateway.yaml', import.meta.url);
const shipped = await readFile(shippedUrl, 'utf8');
const baseDir = '/srv/icegate';

test('loading the shipped gateway.yaml gives the same config as loading an empty file', (t) => {
  const fromShipped = parseConfigText(shipped, 'gateway.yaml', baseDir);
  const fromEmpty = parseConfigText('', 'empty.yaml', baseDir);
  if (!fromShipped.ok) return t.fail(fromShipped.errors.map(formatConfigError).join('\n'));
  if (!fromEmpty.ok) return t.fail(fromEmpty.errors.map(formatConfigError).join('\n'));
  t.deepEqual(fromShipped.config, fromEmpty.config);
  t.deepEqual(fromEmpty.config, defaultConfig(baseDir));
});

test('the shipped gateway.yaml writes out every key instead of relying on a default', (t) => {
  t.deepEqual(parse(shipped), configSchema.parse({}));
});

const exampleKeys = (shape: Record<string, unknown>) => Object.keys(shape);
const examples = [
  ['mount', exampleKeys(mountSchema.shape)],
  ['pull relay', exampleKeys(relayPullSchema.shape)],
  ['master', exampleKeys(masterSchema.shape)],
] as const;

for (const [what, keys] of examples) {
  test(`the shipped gateway.yaml shows every ${what} setting in a commented example`, (t) => {
    const commented = new Set(
      shipped
        .split('\n')
        .map((line) => /^\s*#\s+(?:- )?([A-Za-z]+):/.exec(line)?.[1])
        .filter((key) => key !== undefined),
    );
    t.deepEqual(
      keys.filter((key) => !commented.has(key)),
      [],
    );
  });
}

test('every setting in the shipped gateway.yaml has its own comment', (t) => {
  // Above it (blank lines and banners allowed in between) or at the end of its line.
  const lines = shipped.split('\n');
  const unexplained: string[] = [];
  for (const [i, line] of lines.entries()) {
    const key = /^\s*([A-Za-z]+):/.exec(line)?.[1];
    if (key === undefined) continue;
    const above = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
    if (!above.trim().startsWith('#') && !line.includes(' # ')) unexplained.push(`${i + 1}: ${key}`);
  }
  t.deepEqual(unexplained, []);
});
