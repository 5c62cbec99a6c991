// A relay core in its own process (so it can be killed with SIGKILL and started again on the
// same port, as the supervisor does), a gateway in front of it in this process, real ffmpeg
// sources over TLS and players that record when each byte arrived.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type ResolvedSecrets } from '../../config/schema.ts';
import { startGateway, type RunningGateway } from '../../gateway/start.ts';
import { createSelfSignedServerCert } from '../../gateway/tls/certs.ts';
import { selfSignedPaths, writePair } from '../../gateway/tls/files.ts';
import { binPath } from '../cli/run-cli.ts';
import { CODECS, FFMPEG, type TestCodec } from '../helpers/ffmpeg.ts';

export const SECRETS: ResolvedSecrets = { sourcePassword: 'source-secret', adminPassword: 'admin-secret', relayPassword: 'relay-secret' };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Stack {
  readonly dir: string;
  readonly relayPort: number;
  gw: RunningGateway;
  relay: ChildProcess;
  /** SIGKILL the relay core; resolves once it is gone. */
  killRelay(): Promise<void>;
  /** Start the relay core again on its port; resolves when it listens. */
  startRelay(): Promise<void>;
  close(): Promise<void>;
}

/** `gateway` and `relay` are merged into gateway.yaml's sections. */
export async function startStack(gateway: Record<string, unknown> = {}, relay: Record<string, unknown> = {}): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-restart-'));
  await mkdir(join(dir, 'tls'), { mode: 0o700 });
  await writePair(selfSignedPaths(dir), createSelfSignedServerCert());
  const relayPort = await freePort();
  const raw = {
    stateDir: dir,
    relay: { ...relay, port: relayPort, auth: { sourcePassword: SECRETS.sourcePassword, adminPassword: SECRETS.adminPassword, relayPassword: SECRETS.relayPassword } },
    gateway: { upstream: `http://127.0.0.1:${relayPort}`, ...gateway },
  };
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, JSON.stringify(raw));
  const config = configSchema.parse(raw);
  const spawnRelay = (): Promise<ChildProcess> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [binPath, 'relay', '-c', file], { cwd: dir, env: { ...process.env, ICEGATE_SOURCES: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        if (out.length < 10_000) out += d;
        if (out.includes('listening on')) resolve(child);
      });
      child.stderr!.resume();
      child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${out}`)));
    });
  const stack: Stack = {
    dir,
    relayPort,
    relay: await spawnRelay(),
    gw: await startGateway({ config, host: '127.0.0.1', ports: { listener: 0, listenerTls: 0, source: 0, sourcePlain: null, admin: 0 }, secrets: SECRETS }),
    killRelay: () =>
      new Promise((resolve) => {
        const r = stack.relay;
        if (r.exitCode !== null || r.signalCode !== null) return resolve();
        r.removeAllListeners('exit');
        r.once('exit', () => resolve());
        r.kill('SIGKILL');
      }),
    startRelay: async () => {
      stack.relay = await spawnRelay();
    },
    close: async () => {
      await stack.killRelay();
      await stack.gw.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** ffmpeg pushing `codec` over TLS to the gateway's source port (https PUT), endless. */
export function tlsSource(port: number, mount: string, codec: TestCodec): ChildProcess & { errors(): string } {
  const c = CODECS[codec];
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-ac', '2', ...c.args];
  args.push('-f', c.format, '-method', 'PUT', '-chunked_post', '0', '-content_type', c.contentType, '-auth_type', 'basic', '-tls_verify', '0');
  args.push(`https://source:${SECRETS.sourcePassword}@127.0.0.1:${port}${mount}`);
  const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (said.length < 4000) said += d;
  });
  return Object.assign(child, { errors: () => said });
}

/** A player: GET of a mount, plain or TLS; records each arrival after the response head. */
export class Player {
  readonly socket: net.Socket;
  readonly arrivals: { at: number; bytes: number }[] = [];
  #data: Buffer[] = [];
  #head = Buffer.alloc(0);
  #headDone = false;
  closed = false;

  constructor(port: number, mount: string, secure: boolean) {
    const request = `GET ${mount} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: continuity-test/1.0\r\n\r\n`;
    this.socket = secure ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => this.socket.write(request)) : net.connect({ port, host: '127.0.0.1' }, () => this.socket.write(request));
    this.socket.on('error', () => {});
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('data', (d: Buffer) => {
      if (!this.#headDone) {
        this.#head = Buffer.concat([this.#head, d]);
        const end = this.#head.indexOf('\r\n\r\n');
        if (end === -1) return;
        this.#headDone = true;
        d = this.#head.subarray(end + 4);
        if (d.length === 0) return;
      }
      this.#data.push(d);
      this.arrivals.push({ at: Date.now(), bytes: d.length });
    });
  }

  get head(): string {
    return this.#head.toString('latin1');
  }
  get body(): Buffer {
    return Buffer.concat(this.#data);
  }
  get bytes(): number {
    return this.arrivals.reduce((n, a) => n + a.bytes, 0);
  }

  /** Longest time between two arrivals since `from`, ms. */
  longestGap(from: number): number {
    let gap = 0;
    let last = from;
    for (const a of this.arrivals) {
      if (a.at < from) continue;
      gap = Math.max(gap, a.at - last);
      last = a.at;
    }
    return Math.max(gap, Date.now() - last);
  }

  /** Bytes per second received over the last `ms`. */
  rate(ms: number): number {
    const since = Date.now() - ms;
    return (this.arrivals.filter((a) => a.at >= since).reduce((n, a) => n + a.bytes, 0) * 1000) / ms;
  }
}

export function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}
