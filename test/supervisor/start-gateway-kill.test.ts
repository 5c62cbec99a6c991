// `icegate start` as an operator runs it (bin/icegate.js, its own process), then kill -9 of the
// gateway: the supervisor restarts it at once (restart-policy.ts) and the listener port answers
// a status request through to the relay again. Issue 13 asks for serving within 1.5 s, measured
// by bench/start.ts; here the bound is loose (5 s) so a busy machine does not fail it.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binPath } from '../cli/run-cli.ts';
import { parseHead, rawRequest } from '../helpers/listen.ts';
import { controlState } from '../helpers/control.ts';

const LOOSE_BOUND_MS = 5000;

/** The status code of GET /status-json.xsl on the gateway's plain listener port; 0 when nothing answers. */
async function statusCode(port: number): Promise<number> {
  try {
    const head = parseHead((await rawRequest(port, 'GET /status-json.xsl HTTP/1.0\r\nHost: localhost\r\n\r\n')).toString('latin1'));
    return Number.isFinite(head.status) ? head.status : 0;
  } catch {
    return 0;
  }
}

/** Resolves with the first stdout line that matches, or rejects when the process ends first. */
function lineMatching(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString();
      const m = pattern.exec(text);
      if (m) {
        child.stdout?.off('data', onData);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`icegate start exited (${code}) before printing ${pattern}: ${text}`)));
  });
}

test('kill -9 of the gateway under icegate start: restarted at once and serving again', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-start-kill-'));
  const config = join(dir, 'gateway.yaml');
  await writeFile(
    config,
    'stateDir: ./state\nrelay:\n  port: 0\n  mounts: {/live.mp3: {}}\ngateway:\n  listener: {host: 127.0.0.1, port: 0, tlsPort: 0}\n  source: {host: 127.0.0.1, port: 0}\n  admin: {port: 0}\n',
  );
  const child = spawn(process.execPath, [binPath, 'start', '-c', config], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const sock = (await lineMatching(child, /control API on (\S+)/))[1]!;
    const port = Number((await lineMatching(child, /Listen: .* http:\/\/127\.0\.0\.1:(\d+)\//))[1]);
    t.is(await statusCode(port), 200);
    const before = (await controlState(sock)).components.find((c) => c.name === 'gateway')!;
    t.is(before.state, 'running');
    const killedAt = Date.now();
    process.kill(before.pid!, 'SIGKILL');
    let code = 0;
    while (code !== 200 && Date.now() - killedAt < LOOSE_BOUND_MS) {
      code = await statusCode(port);
      if (code !== 200) await new Promise((r) => setTimeout(r, 25));
    }
    t.is(code, 200, `the gateway's listener port did not answer 200 within ${LOOSE_BOUND_MS / 1000} s of kill -9`);
    const after = (await controlState(sock)).components.find((c) => c.name === 'gateway')!;
    t.not(after.pid, before.pid);
    t.is(after.restarts, 1);
    t.like(after.lastExit, { signal: 'SIGKILL', reason: 'killed by SIGKILL' });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    await rm(dir, { recursive: true, force: true });
  }
});
