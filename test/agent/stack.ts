// A relay core and a gateway in front of it on ephemeral loopback ports, the source link for a
// mount on it, `icegate push` as a real child process (its JSON status lines collected) and a
// TLS listener on the gateway.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSelfSignedServerCert } from '../../gateway/tls/certs.ts';
import { formatSourceLink } from '../../contracts/source-link.ts';
import { pinOf } from '../../cli/source-link.ts';
import { selfSignedPaths } from '../../gateway/tls/files.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { countingProxy, testGateway, type CountingProxy, type Teardown, type TestGateway } from '../gateway/server-harness.ts';
import { binPath } from '../cli/run-cli.ts';
import { listen, type Capture } from '../helpers/listen.ts';
import { SECRETS, testRelay } from '../helpers/relay.ts';

export interface Stack {
  relay: RunningRelay;
  gateway: TestGateway;
  pin: string;
  link(mount: string, o?: { password?: string; pins?: string[] }): string;
}

export async function testStack(t: Teardown): Promise<Stack> {
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const gateway = await testGateway(t, relay.port());
  const pin = pinOf(await readFile(selfSignedPaths(gateway.stateDir).cert, 'utf8'));
  return {
    relay,
    gateway,
    pin,
    link: (mount, o = {}) =>
      formatSourceLink({ user: 'source', password: o.password ?? SECRETS.sourcePassword, host: '127.0.0.1', port: gateway.gw.ports().source, mount, pins: o.pins ?? [pin] }),
  };
}

/** A second relay and gateway with a certificate of its own; its upstream counts connections. */
export async function secondGateway(t: Teardown): Promise<{ gateway: TestGateway; upstream: CountingProxy }> {
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const upstream = await countingProxy(t, relay.port());
  const dir = await mkdtemp(join(tmpdir(), 'icegate-other-cert-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const pair = createSelfSignedServerCert();
  await writeFile(join(dir, 'cert.pem'), pair.certPem);
  await writeFile(join(dir, 'key.pem'), pair.keyPem, { mode: 0o600 });
  const gateway = await testGateway(t, upstream.port, { tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } });
  return { gateway, upstream };
}

export interface StatusLine {
  state: 'connecting' | 'live' | 'retrying' | 'refused';
  peakDbfs: number | null;
  peakDbfsPerChannel: number[] | null;
  rmsDbfsPerChannel: number[] | null;
  silent: boolean;
  reconnects: number;
  reason: string | null;
  kbps: number;
}

export interface Push {
  child: ChildProcess;
  statuses: StatusLine[];
  stderr(): string;
  /** Resolves with the first status line (from now on) that satisfies `predicate`. */
  until(predicate: (s: StatusLine) => boolean, timeoutMs?: number, what?: string): Promise<StatusLine>;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** `icegate push --status json ARGS`, as an operator runs it. */
export function startPush(t: Teardown, args: string[], env: NodeJS.ProcessEnv = {}): Push {
  const child = spawn(process.execPath, [binPath, 'push', '--status', 'json', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const statuses: StatusLine[] = [];
  const watchers = new Set<(s: StatusLine) => void>();
  let err = '';
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-20_000)));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const s = JSON.parse(line) as StatusLine;
      statuses.push(s);
      for (const w of [...watchers]) w(s);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return {
    child,
    statuses,
    stderr: () => err,
    exited,
    stop,
    until: (predicate, timeoutMs = 20_000, what = 'status') =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`timed out waiting for ${what}; last status ${JSON.stringify(statuses.at(-1))}; stderr: ${err.slice(-2000)}`));
        }, timeoutMs);
        const check = (s: StatusLine): void => {
          if (!predicate(s)) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve(s);
        };
        watchers.add(check);
        void exited.then(() => {
          if (!watchers.has(check)) return;
          clearTimeout(timer);
          watchers.delete(check);
          reject(new Error(`icegate push exited while waiting for ${what}: ${err.slice(-2000)}`));
        });
      }),
  };
}

/** A player over TLS: GET the mount on the gateway's TLS listener port, collect `bytes` of body. */
export function tlsListen(port: number, path: string, bytes: number, timeoutMs = 20_000): Promise<Capture> {
  return listen({ port, path, bytes, timeoutMs, tls: true });
}
