#!/usr/bin/env node
// Smoke test of a built tree on whatever Node runs this script (`npx -y node@22 scripts/smoke.mjs`):
// `icegate start` from dist/ in a scratch directory (every port 0), a 440 Hz tone pushed over TLS
// with ffmpeg (HTTPS PUT, as the README shows), received by a TLS listener and decoded by ffmpeg,
// then `icegate stop`. Checks that every process of the stack runs this Node, with no TypeScript
// loader, and that none is left after the stop. Prints one line per step; exit 0 = passed.
// Plain JavaScript, so it needs no build and no loader itself.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'icegate.js');
const ffmpeg = process.env.FFMPEG ?? createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg').path;
const started = Date.now();
const log = (line) => console.log(`smoke [node ${process.version}] ${((Date.now() - started) / 1000).toFixed(1)} s: ${line}`);
const fail = (line) => {
  throw new Error(line);
};

// The stack must run the built JavaScript whatever the caller's environment says.
const env = { ...process.env };
delete env.ICEGATE_SOURCES;
delete env.NODE_OPTIONS;

const dir = mkdtempSync(join(tmpdir(), 'icegate-smoke-'));
const config = join(dir, 'gateway.yaml');
// The ports the smoke test talks to are chosen here; the rest are 0 (any free port).
const listenerTls = await freePort();
const sourcePort = await freePort();
writeFileSync(
  config,
  `stateDir: ./state
relay:
  port: 0
  mounts: {/live.mp3: {}}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: ${listenerTls}}
  source: {host: 127.0.0.1, port: ${sourcePort}}
  admin: {port: 0}
`,
);

const children = [];
let stack;
try {
  const t0 = performance.now();
  stack = spawn(process.execPath, [bin, 'start', '-c', config], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(stack);
  let out = '';
  stack.stderr.on('data', (c) => process.stderr.write(c));
  const running = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not serving after 30 s:\n${out}`)), 30_000);
    stack.stdout.on('data', (c) => {
      out += c;
      if (/icegate is running/.test(out)) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
    stack.on('exit', (code) => reject(new Error(`icegate start exited (${code}):\n${out}`)));
  });
  log(`icegate start: serving after ${(running / 1000).toFixed(2)} s`);
  const listen = `https://127.0.0.1:${listenerTls}/live.mp3`;
  const password = /^sourcePassword: (.+)$/m.exec(readFileSync(join(dir, 'state', 'secrets.yaml'), 'utf8'))?.[1] ?? fail('no source password');

  // Every process of the stack: this Node, no TypeScript loader.
  const tree = descendants(stack.pid);
  if (tree.length < 3) fail(`expected supervisor, relay and gateway, found ${tree.length} processes`);
  for (const pid of tree) {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (argv[0] !== process.execPath) fail(`process ${pid} runs ${argv[0]}, not ${process.execPath}`);
    if (argv.some((a) => /tsx|ts-node|esbuild|\.ts$/.test(a))) fail(`process ${pid} loads TypeScript: ${argv.join(' ')}`);
  }
  log(`${tree.length} processes, all plain ${process.execPath}`);

  const push = spawn(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3',
      '-method', 'PUT', '-chunked_post', '0', '-content_type', 'audio/mpeg', '-auth_type', 'basic', '-tls_verify', '0', `https://source:${encodeURIComponent(password)}@127.0.0.1:${sourcePort}/live.mp3`],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(push);
  log('pushing a 440 Hz tone over TLS');

  // Listen over TLS until the mount is up, decode 2 s to 8 kHz mono PCM, and find the tone.
  let pcm = Buffer.alloc(0);
  for (let attempt = 0; attempt < 20 && pcm.length < 16000 * 2; attempt += 1) {
    pcm = await new Promise((resolve) => {
      execFile(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-tls_verify', '0', '-i', listen, '-t', '2', '-f', 's16le', '-ac', '1', '-ar', '8000', '-'],
        { encoding: 'buffer', maxBuffer: 1 << 22, timeout: 20_000 }, (_error, stdout) => resolve(stdout ?? Buffer.alloc(0)));
    });
    if (pcm.length < 16000 * 2) await new Promise((r) => setTimeout(r, 500));
  }
  if (pcm.length < 16000 * 2) fail(`decoded only ${pcm.length} bytes from ${listen}`);
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
  let energy = 0;
  let crossings = 0;
  for (let i = 1; i < samples.length; i += 1) {
    energy += samples[i] * samples[i];
    if ((samples[i - 1] < 0) !== (samples[i] < 0)) crossings += 1;
  }
  const rms = Math.sqrt(energy / samples.length);
  const hz = crossings / 2 / (samples.length / 8000);
  if (rms < 1000 || Math.abs(hz - 440) > 20) fail(`decoded audio is not the tone: rms ${rms.toFixed(0)}, ${hz.toFixed(0)} Hz`);
  log(`listener over TLS decoded ${(samples.length / 8000).toFixed(1)} s: ${hz.toFixed(0)} Hz, rms ${rms.toFixed(0)}`);

  push.kill('SIGTERM');
  const stop = await new Promise((resolve) => execFile(process.execPath, [bin, 'stop', '-c', config], { cwd: dir, env }, (error, stdout, stderr) => resolve({ error, stdout, stderr })));
  if (stop.error) fail(`icegate stop failed: ${stop.stderr}`);
  const code = await exited(stack, 15_000);
  if (code !== 0) fail(`icegate start exited with ${code} after the stop`);
  const left = tree.filter(alive);
  if (left.length > 0) fail(`processes left after the stop: ${left.join(' ')}`);
  log('stopped; no process left');
  console.log(`smoke: passed on node ${process.version}`);
} catch (error) {
  console.error(`smoke: FAILED on node ${process.version}: ${error.message}`);
  process.exitCode = 1;
} finally {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (stack) for (const pid of descendants(stack.pid)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** The process and every descendant, from /proc/<pid>/stat's ppid field. */
function descendants(pid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i += 1) for (const [child, parent] of parents) if (parent === out[i]) out.push(child);
  return out.filter((p) => parents.has(p));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function exited(child, ms) {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('timeout'), ms);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}
