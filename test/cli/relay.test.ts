import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { binPath, runCli } from './run-cli.ts';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-relay-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('relay refuses an invalid configuration with exit 1 and creates no secrets', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'gateway.yaml'), 'relay:\n  port: http\n');
  const run = await runCli(['relay'], dir);
  t.is(run.code, 1);
  t.is(run.stderr, 'gateway.yaml:2: relay.port: must be a number\n');
  await t.throwsAsync(readFile(join(dir, 'state', 'secrets.yaml')), { code: 'ENOENT' });
});

test('relay generates missing secrets, says where but never what, and runs the relay core', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'gateway.yaml'), 'relay:\n  port: 0\n');
  const child = spawn(process.execPath, [binPath, 'relay'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  // Keep reading to the end: a closed pipe would make the child's next write fail.
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (/listening/.test(stdout)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stderr}`)));
  });
  const file = join(dir, 'state', 'secrets.yaml');
  for (const label of ['source', 'admin', 'relay']) t.true(stdout.includes(`generated ${label} password: see ${file}\n`), stdout);
  const secrets = parse(await readFile(file, 'utf8')) as Record<string, string>;
  for (const secret of Object.values(secrets)) t.false(stdout.includes(secret) || stderr.includes(secret));

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
});
