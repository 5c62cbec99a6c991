// Private mounts under `icegate start`, as an operator runs it: the relay core reads which of the
// gateway's mounts are private from the same gateway.yaml, so a mount with listener
// authentication is missing from the public status through the gateway's plain and TLS listener
// ports; `listed: true` and a reload (SIGHUP) list it without a restart, and taking it back hides
// it again.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { binPath } from '../cli/run-cli.ts';
import { exchange } from './server-harness.ts';
import { eventually, printed } from '../helpers/eventually.ts';

function configText(listed: boolean): string {
  return stringify({
    stateDir: './state',
    relay: { port: 0, mounts: { '/open.mp3': {}, '/members.mp3': {} } },
    gateway: {
      listener: { host: '127.0.0.1', port: 0, tlsPort: 0 },
      source: { host: '127.0.0.1', port: 0 },
      admin: { port: 0 },
      mounts: { '/members.mp3': { auth: 'token', listed } },
    },
  });
}

async function mountsListed(port: number, secure: boolean): Promise<string[]> {
  const e = await exchange(port, 'GET /api/v1/status HTTP/1.1\r\nHost: radio.example\r\nConnection: close\r\n\r\n', secure);
  if (e.status !== 200) throw new Error(`/api/v1/status: ${e.head}`);
  return (JSON.parse(e.body) as { mounts: { mount: string }[] }).mounts.map((m) => m.mount).sort();
}

test('icegate start: a private mount is not listed through either listener port; listed: true and a reload list it live', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-private-start-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'gateway.yaml');
  await writeFile(config, configText(false));
  const out = { text: '' };
  const child = spawn(process.execPath, [binPath, 'start', '-c', config], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const s of [child.stdout!, child.stderr!]) s.on('data', (d: Buffer) => (out.text = `${out.text}${d.toString()}`.slice(-100_000)));
  t.teardown(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  );
  const m = await printed(child, /Listen: +https:\/\/127\.0\.0\.1:(\d+)\/live\.mp3 +or +http:\/\/127\.0\.0\.1:(\d+)\//, out);
  const [tlsPort, plainPort] = [Number(m[1]), Number(m[2])];

  t.deepEqual(await mountsListed(plainPort, false), ['/open.mp3']);
  t.deepEqual(await mountsListed(tlsPort, true), ['/open.mp3']);

  await writeFile(config, configText(true));
  child.kill('SIGHUP');
  t.deepEqual(await eventually(() => mountsListed(tlsPort, true), (l) => l.length === 2, 'the reload to list /members.mp3'), ['/members.mp3', '/open.mp3']);

  await writeFile(config, configText(false));
  child.kill('SIGHUP');
  t.deepEqual(await eventually(() => mountsListed(plainPort, false), (l) => l.length === 1, 'the reload to hide /members.mp3 again'), ['/open.mp3']);
  t.regex(out.text, /relay: public listings follow gateway\.mounts|relay: settings applied live/);
});
