import test from 'ava';
import { main } from '../../cli/main.ts';
import type { Io } from '../../cli/io.ts';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const dispatches = test.macro({
  async exec(t, argv: string[], expected: { code: number; out?: RegExp; err?: RegExp }) {
    const result = await run(argv);
    t.is(result.code, expected.code);
    if (expected.out) t.regex(result.out, expected.out);
    else t.is(result.out, '');
    if (expected.err) t.regex(result.err, expected.err);
    else t.is(result.err, '');
  },
  title: (title = '', argv: string[]) => `icegate ${argv.join(' ')}: ${title}`.replace(' :', ':'),
});

const usage = /^Usage: icegate <command> \[options\]\n\nCommands:\n {2}start .*\n {2}stop .*\n {2}reload .*\n {2}status .*\n {2}relay .*\n {2}check /;

test('no command is a usage error', dispatches, [], { code: 2, err: usage });
test('top-level help', dispatches, ['--help'], { code: 0, out: usage });
test('top-level help, short', dispatches, ['-h'], { code: 0, out: usage });
test('help for one command', dispatches, ['help', 'check'], { code: 0, out: /^Usage: icegate check \[-c FILE\]\n/ });
test('version', dispatches, ['--version'], { code: 0, out: /^\d+\.\d+\.\d+$/ });
test('unknown command', dispatches, ['frobnicate'], { code: 2, err: /^icegate: unknown command "frobnicate"\nUsage: icegate <command>/ });
test('check help', dispatches, ['check', '--help'], { code: 0, out: /^Usage: icegate check \[-c FILE\]\n[\s\S]*-c, --config FILE/ });
test('relay help', dispatches, ['relay', '-h'], { code: 0, out: /^Usage: icegate relay \[-c FILE\]\n[\s\S]*secrets\.yaml/ });
test('start help', dispatches, ['start', '--help'], { code: 0, out: /^Usage: icegate start \[-c FILE\]\n/ });
test('unknown option', dispatches, ['check', '--frob'], {
  code: 2,
  err: /^icegate check: Unknown option '--frob'\nUsage: icegate check \[-c FILE\]\nRun "icegate check --help" for details\.$/,
});
test('stray argument', dispatches, ['relay', 'gateway.yaml'], { code: 2, err: /^icegate relay: Unexpected argument 'gateway.yaml'\n/ });
test('-c without a file', dispatches, ['start', '-c'], { code: 2, err: /^icegate start: Option '-c, --config <value>' argument missing\n/ });
