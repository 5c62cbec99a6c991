// What bench/restart.ts stands on: `icegate start` from dist/ (plain node, as production runs it)
// on fixed free loopback ports, its components' pids from the control API, an ffmpeg source
// pushing MP3 over TLS, listeners that record when each byte arrived, and "answers on the
// listener port" as the definition of serving (the footprint benchmark's).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, freePort, stopChild } from './servers.ts';

const require = createRequire(import.meta.url);
export const FFMPEG: string = require('@ffmpeg-installer/ffmpeg').path;
export const SOURCE_PASSWORD = 'bench-source-secret';
/** 128 kbit/s. */
export const STREAM_BYTES_PER_SECOND = 16_000;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Stack {
  readonly dir: string;
  readonly config: string;
  readonly listenerPort: number;
  readonly sourcePort: number;
  supervisor: ChildProcess;
  /** Spawn `icegate start` again (after the previous one died); resolves when it serves. */
  restart(): Promise<void>;
  pids(): Promise<Record<string, number | null>>;
  /** The control API's snapshot (GET /v1/state). */
  state(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

function spawnStart(dir: string, config: string): ChildProcess {
  const env = { ...process.env };
  delete env.ICEGATE_SOURCES;
  return spawn(process.execPath, [path.join(ROOT, 'bin', 'icegate.js'), 'start', '-c', config], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-restart-'));
  const listenerPort = await freePort();
  const sourcePort = await freePort();
  const config = path.join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    [
      'stateDir: ./state',
      'relay:',
      '  port: 0',
      `  auth: {sourcePassword: ${SOURCE_PASSWORD}, adminPassword: bench-admin-secret, relayPassword: bench-relay-secret}`,
      '  mounts: {/live.mp3: {}}',
      'gateway:',
      `  listener: {host: 127.0.0.1, port: ${listenerPort}, tlsPort: 0}`,
      `  source: {host: 127.0.0.1, port: ${sourcePort}}`,
      '  admin: {port: 0}',
      // 1000 listeners from one loopback address.
      '  limits: {connectionsPerMinute: null, streamsPerAddress: null, connectionsPerAddress: null}',
      '',
    ].join('\n'),
  );
  await runOnce(['cert', 'server', '-c', config], dir);
  const stack: Stack = {
    dir,
    config,
    listenerPort,
    sourcePort,
    supervisor: spawnStart(dir, config),
    restart: async () => {
      stack.supervisor = spawnStart(dir, config);
      await serving(listenerPort, () => stack.supervisor.exitCode !== null);
    },
    pids: async () => {
      const state = (await controlGet(path.join(dir, 'state', 'run', 'control.sock'), '/v1/state')) as { components: { name: string; pid: number | null }[] };
      return Object.fromEntries(state.components.map((c) => [c.name, c.pid]));
    },
    state: async () => (await controlGet(path.join(dir, 'state', 'run', 'control.sock'), '/v1/state')) as Record<string, unknown>,
    stop: async () => {
      await stopChild(stack.supervisor);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await serving(listenerPort, () => stack.supervisor.exitCode !== null);
  return stack;
}

function runOnce(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [path.join(ROOT, 'bin', 'icegate.js'), ...args], { cwd, stdio: 'ignore' });
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`icegate ${args.join(' ')} exited ${code}`))));
  });
}

function controlGet(socketPath: string, urlPath: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: urlPath, headers: { host: 'icegate' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('error', reject);
  });
}

/** One try: a TCP connection to the listener port answered with HTTP. */
export function answersOnce(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    // write, not end: a half-closed request is a client gone away to the gateway.
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /status-json.xsl HTTP/1.0\r\n\r\n'));
    s.once('data', (d: Buffer) => {
      s.destroy();
      resolve(d.toString('latin1').startsWith('HTTP/1.') && !/^HTTP\/1\.[01] 50[23]/.test(d.toString('latin1')));
    });
    s.on('error', () => resolve(false));
    s.on('close', () => resolve(false));
  });
}

/** Resolves once the port serves (polled every 10 ms); rejects when `gone()`. */
export async function serving(port: number, gone: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone()) throw new Error('exited before serving');
    if (await answersOnce(port)) return;
    if (Date.now() > deadline) throw new Error(`port ${port} not serving within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** ffmpeg pushing a 128 kbit/s MP3 tone over TLS to the gateway's source port, endless. */
export function startSource(port: number): ChildProcess {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-ac', '2'];
  args.push('-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', '-method', 'PUT', '-chunked_post', '0', '-content_type', 'audio/mpeg', '-auth_type', 'basic', '-tls_verify', '0');
  args.push(`https://source:${SOURCE_PASSWORD}@127.0.0.1:${port}/live.mp3`);
  return spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** A listener of /live.mp3 that keeps its bytes' arrival times in one-second bins and its gaps. */
export class Listener {
  readonly socket: net.Socket;
  bytes = 0;
  lastAt = 0;
  closed = false;
  headDone = false;
  /** Longest time between two arrivals since `markGaps()`, ms, and when it ended. */
  longestGap = 0;
  gapEndedAt = 0;
  #gapsFrom = Infinity;
  /** Bytes received since `markGaps()`. */
  bytesSinceMark = 0;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1', () => this.socket.write('GET /live.mp3 HTTP/1.0\r\nUser-Agent: bench-restart/1.0\r\n\r\n'));
    this.socket.on('error', () => {});
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('data', (d: Buffer) => {
      const now = performance.now();
      if (!this.headDone) {
        this.headDone = true;
        this.lastAt = now;
        return;
      }
      this.bytes += d.length;
      if (now >= this.#gapsFrom) {
        const gap = now - Math.max(this.lastAt, this.#gapsFrom);
        if (gap > this.longestGap) {
          this.longestGap = gap;
          this.gapEndedAt = now;
        }
        this.bytesSinceMark += d.length;
      }
      this.lastAt = now;
    });
  }

  markGaps(at: number): void {
    this.#gapsFrom = at;
    this.longestGap = 0;
    this.gapEndedAt = 0;
    this.bytesSinceMark = 0;
  }

  /** The longest gap, counting a silence still going on at `now`. */
  gapUntil(now: number): number {
    return Math.max(this.longestGap, now - Math.max(this.lastAt, this.#gapsFrom));
  }
}
