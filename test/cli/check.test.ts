import test from 'ava';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-check-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('check -c on a valid file exits 0 and says so', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'radio.yaml');
  await writeFile(file, 'relay:\n  mounts:\n    /live.mp3:\n      maxListeners: 100\n');
  const run = await runCli(['check', '-c', file], dir);
  t.is(run.code, 0);
  t.is(run.stdout, `${file}: configuration is valid\n`);
  t.is(run.stderr, '');
});

test('check -c on an invalid file exits 1 naming each key path and line', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'radio.yaml');
  await writeFile(file, 'relay:\n  limits:\n    queueSize: lots\n  mounts:\n    /live.mp3:\n      maxListener: 5\n');
  const run = await runCli(['check', '-c', file], dir);
  t.is(run.code, 1);
  t.is(run.stdout, '');
  t.is(
    run.stderr,
    `${file}:3: relay.limits.queueSize: must be a number\n` +
      `${file}:6: relay.mounts./live.mp3.maxListener: unknown key (did you mean maxListeners?)\n`,
  );
});

test('check -c refuses an invalid ACME e-mail, naming the key and line, and changes nothing', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'radio.yaml');
  await writeFile(file, 'stateDir: ./state\ngateway:\n  tls:\n    acme:\n      domains: [radio.example.org]\n      email: ops-at-radio.example.org\n');
  const run = await runCli(['check', '-c', file], dir);
  t.is(run.code, 1);
  t.is(run.stdout, '');
  t.is(run.stderr, `${file}:6: gateway.tls.acme.email: must be an e-mail address\n`);
  await t.throwsAsync(access(join(dir, 'state')), undefined, 'no state directory made');
});

test('check without -c reads ./gateway.yaml when there is one', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'gateway.yaml'), 'station:\n  name: ""\n');
  const run = await runCli(['check'], dir);
  t.is(run.code, 1);
  t.is(run.stderr, 'gateway.yaml:2: station.name: must not be empty\n');
});

test('check without -c and without ./gateway.yaml checks the built-in defaults', async (t) => {
  const run = await runCli(['check'], await tempDir(t));
  t.is(run.code, 0);
  t.is(run.stdout, 'built-in defaults: configuration is valid\n');
});

test('check -c on a missing file exits 1', async (t) => {
  const run = await runCli(['check', '-c', 'missing.yaml'], await tempDir(t));
  t.is(run.code, 1);
  t.is(run.stderr, 'missing.yaml: cannot read the file: it does not exist\n');
});
