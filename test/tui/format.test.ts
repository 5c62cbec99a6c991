// Numbers, durations and states as the dashboard writes them: short, fixed and ASCII.
import { inspect } from 'node:util';
import test from 'ava';
import type { ComponentView } from '../../contracts/control-api.ts';
import { componentStateWords, componentTone, formatBitrate, formatBytes, formatDuration, formatPercent, SPARK_LEVELS, sparkline } from '../../tui/format.ts';

const table = <I, O>(name: string, fn: (input: I) => O, rows: readonly (readonly [I, O])[]) => {
  for (const [input, expected] of rows) test(`${name}(${inspect(input, { breakLength: Infinity })}) is ${JSON.stringify(expected)}`, (t) => t.deepEqual(fn(input), expected));
};

table('formatBytes', formatBytes, [
  [0, '0B'],
  [1023, '1023B'],
  [1024, '1K'],
  [1536, '1.5K'],
  [10 * 1024, '10K'],
  [524_288, '512K'],
  [10 * 1024 * 1024, '10M'],
  [1.5 * 1024 ** 3, '1.5G'],
  [5 * 1024 ** 4, '5T'],
  [null, '-'],
  [-1, '-'],
  [Number.NaN, '-'],
]);

table('formatBitrate', formatBitrate, [
  [0, '0b'],
  [100, '800b'],
  [16_000, '128k'],
  [40_000, '320k'],
  [150_000, '1.2M'],
  [2_000_000, '16M'],
  [null, '-'],
]);

table('formatDuration', formatDuration, [
  [0, '0s'],
  [59.9, '59s'],
  [60, '1m00s'],
  [61, '1m01s'],
  [3599, '59m59s'],
  [3600, '1h00m'],
  [3700, '1h01m'],
  [86399, '23h59m'],
  [90061, '1d01h'],
  [400 * 86400, '400d00h'],
  [null, '-'],
  [-5, '-'],
]);

table('formatPercent', formatPercent, [
  [0, '0%'],
  [0.4, '0.4%'],
  [12.345, '12%'],
  [99.5, '100%'],
  [250, '250%'],
  [null, '-'],
]);

type StateRow = Pick<ComponentView, 'state' | 'nextRestartSeconds'>;
table('componentStateWords', componentStateWords, [
  [{ state: 'running', nextRestartSeconds: null }, 'running'],
  [{ state: 'starting', nextRestartSeconds: null }, 'starting'],
  [{ state: 'backoff', nextRestartSeconds: 4 }, 'backing off 4 s'],
  [{ state: 'backoff', nextRestartSeconds: 3.2 }, 'backing off 4 s'],
  [{ state: 'backoff', nextRestartSeconds: null }, 'backing off'],
  [{ state: 'crash-looping', nextRestartSeconds: 30 }, 'crash-looping 30 s'],
  [{ state: 'crash-looping', nextRestartSeconds: null }, 'crash-looping'],
  [{ state: 'stopping', nextRestartSeconds: null }, 'stopping'],
  [{ state: 'stopped', nextRestartSeconds: null }, 'stopped'],
  [{ state: 'failed', nextRestartSeconds: 30 }, 'failed, retry 30 s'],
  [{ state: 'failed', nextRestartSeconds: null }, 'failed'],
] satisfies (readonly [StateRow, string])[]);

table('componentTone', componentTone, [
  ['running', 'good'],
  ['starting', 'warn'],
  ['backoff', 'warn'],
  ['crash-looping', 'bad'],
  ['failed', 'bad'],
  ['stopped', 'plain'],
] satisfies (readonly [ComponentView['state'], string])[]);

const spark = ([values, width]: readonly [number[], number]) => sparkline(values, width);
table('sparkline', spark, [
  [[[], 4], '    '],
  [[[0, 0, 0], 3], '   '],
  [[[1, 2, 3, 4, 5, 6, 7, 8, 9], 9], '.:-=+*#%@'],
  [[[100, 1], 2], '@.'],
  [[[5, 5], 4], '  @@'],
  [[[1, 2, 3, 4], 2], '#@'],
  [[[Number.NaN, -3, 2], 3], '  @'],
  [[[1], 0], ''],
]);

test('sparklines use only printable ASCII, whatever the values', (t) => {
  const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 1000);
  const line = sparkline(values, 120);
  t.is(line.length, 120);
  t.regex(line, /^[\x20-\x7e]*$/);
  t.regex(SPARK_LEVELS, /^[\x20-\x7e]{10}$/);
});
