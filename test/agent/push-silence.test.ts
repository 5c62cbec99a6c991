// The silence alarm on the server's side, end to end: a real `icegate start` supervisor (relay core
// and gateway as processes), `icegate push` over pinned TLS, and the control API on its unix
// socket. A silent input shows as silent, a tone as not silent, a plain ffmpeg source as unknown
// (null); nobody without the mount's own source credentials can set it; each source carries its
// connection figures. Every port is 0.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlRequest } from '../../cli/control-request.ts';
import { pinOf } from '../../cli/source-link.ts';
import { loadConfig } from '../../config/load.ts';
import type { MountView, StateSnapshot } from '../../contracts/control-api.ts';
import { formatSourceLink } from '../../contracts/source-link.ts';
import { selfSignedPaths } from '../../gateway/tls/files.ts';
import { runSupervisor, type RunningSupervisor } from '../../supervisor/main.ts';
import { FFMPEG, startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { until } from '../helpers/relay.ts';
import { startPush } from './stack.ts';

const PASSWORD = 'hackme-source-silence';
const STUDIO = { user: 'studio', password: 'studio-pass-silence' };

const config = `station: {name: Silence}
stateDir: ./state
relay:
  port: 0
  auth: {sourcePassword: ${PASSWORD}, adminPassword: hackme-admin-silence, relayPassword: hackme-relay-silence}
  mounts:
    /silent.mp3: {username: ${STUDIO.user}, password: ${STUDIO.password}}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: 0}
  source: {host: 127.0.0.1, port: 0, plainPort: 0}
  admin: {port: 0}
`;

let dir: string;
let sv: RunningSupervisor;
let pin: string;

const port = (name: string): number => Number(sv.components.get('gateway')!.ports![name]);
const link = (mount: string, user = 'source', password = PASSWORD): string =>
  formatSourceLink({ user, password, host: '127.0.0.1', port: port('source'), mount, pins: [pin] });

async function state(): Promise<StateSnapshot> {
  const reply = await controlRequest(sv.socketPath, 'GET', '/v1/state');
  return reply.body as StateSnapshot;
}

/** Polls the control API until the mount's view satisfies `ok`. */
async function mountWhere(mount: string, ok: (m: MountView) => boolean, what: string, timeoutMs = 30_000): Promise<MountView> {
  let last: MountView | undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    last = (await state()).mounts.find((m) => m.mount === mount);
    if (last !== undefined && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last view ${JSON.stringify(last)}`);
}

/** A GET on the gateway's TLS source port (or another TLS port): its status. */
function tlsGet(p: number, target: string, authorization?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: p, path: target, rejectUnauthorized: false, headers: authorization ? { authorization } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-push-silence-'));
  spawnSync(FFMPEG, ['-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=channel_layout=stereo:sample_rate=44100', '-t', '2', '-c:a', 'pcm_s16le', join(dir, 'silent.wav')]);
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, config);
  const loaded = await loadConfig(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  sv = await runSupervisor({ config: loaded.config, configPath: file, hostMetrics: false, pollIntervalMs: 200 });
  const comp = (name: string) => sv.snapshot().components.find((c) => c.name === name)!;
  await until(() => comp('relay').state === 'running' && comp('gateway').state === 'running', 20_000, 'relay and gateway running');
  pin = pinOf(await readFile(selfSignedPaths(join(dir, 'state')).cert, 'utf8'));
});

test.after.always(async () => {
  await sv?.stop();
  await rm(dir, { recursive: true, force: true });
});

test.serial('a silent input shows as silent in the control API, with its connection figures; strangers cannot change it', async (t) => {
  const push = startPush(t, ['--input', `file:${join(dir, 'silent.wav')}`, '--silence-after', '2', link('/silent.mp3', STUDIO.user, STUDIO.password)]);
  await push.until((s) => s.silent, 30_000, 'the agent says silent');
  const seen = Date.now();
  const view = await mountWhere('/silent.mp3', (m) => m.source?.silent === true, 'the control API shows /silent.mp3 silent');
  const source = view.source!;
  t.is(source.kind, 'source');
  t.is(source.ip, '127.0.0.1');
  t.regex(source.userAgent ?? '', /^icegate-push\//);
  t.true(source.bytesIn > 0);
  t.is(source.declaredKbps, 128);
  t.is(source.reconnects, 0);
  t.not(source.silentSince, null);
  t.true(Date.parse(source.silentSince!) <= seen, 'silence began before the agent raised its alarm');
  // The measured rate needs a few seconds of samples; a 128 kbit/s MP3 arrives at about that rate.
  const measured = await mountWhere('/silent.mp3', (m) => m.source?.measuredKbps != null, 'a measured bitrate');
  t.true(measured.source!.measuredKbps! > 64 && measured.source!.measuredKbps! < 256, `measured ${measured.source!.measuredKbps} kbit/s`);

  const sound = '/admin/metadata?mount=%2Fsilent.mp3&mode=silence&silent=0';
  const cases: Array<{ who: string; port: number; authorization?: string; status: number }> = [
    { who: 'no credentials', port: port('source'), status: 401 },
    { who: 'a wrong password', port: port('source'), authorization: basic(STUDIO.user, 'guess'), status: 401 },
    { who: 'another mount\'s credentials (the global source user)', port: port('source'), authorization: basic('source', PASSWORD), status: 401 },
    { who: 'a listener, on the listener port', port: port('listenerTls'), authorization: basic(STUDIO.user, STUDIO.password), status: 403 },
  ];
  for (const c of cases) t.is(await tlsGet(c.port, sound, c.authorization), c.status, c.who);
  // Malformed reports from the right credentials are refused and change nothing either.
  t.is(await tlsGet(port('source'), '/admin/metadata?mount=%2Fsilent.mp3&mode=silence&silent=yes', basic(STUDIO.user, STUDIO.password)), 400);
  t.is(await tlsGet(port('source'), '/admin/metadata?mount=%2Fsilent.mp3&mode=silence&silent=1&for=-3', basic(STUDIO.user, STUDIO.password)), 400);
  const after = (await state()).mounts.find((m) => m.mount === '/silent.mp3')!;
  t.is(after.source?.silent, true);
  t.is(after.source?.silentSince, source.silentSince);
  const logs = (await controlRequest(sv.socketPath, 'GET', '/v1/components/relay/logs?tail=200')).body as { lines: Array<{ text: string }> };
  t.true(logs.lines.some((l) => l.text.includes(`the source on /silent.mp3 reports silence since ${source.silentSince}`)), 'the relay logs it');
  await push.stop();
  await mountWhere('/silent.mp3', (m) => m.source === null, 'the source gone');
});

test.serial('a tone shows as not silent', async (t) => {
  const push = startPush(t, ['--input', 'tone', '--silence-after', '2', link('/tone.mp3')]);
  await push.until((s) => s.state === 'live', 30_000, 'live');
  const view = await mountWhere('/tone.mp3', (m) => m.source?.silent === false, 'the control API shows /tone.mp3 not silent');
  t.is(view.source!.silentSince, null);
  // Past --silence-after, and still not silent.
  await push.until((s) => s.state === 'live' && s.peakDbfs !== null, 10_000, 'metered');
  await push.until(() => push.statuses.filter((s) => s.state === 'live').length >= 4, 10_000, 'four live reports');
  t.is((await state()).mounts.find((m) => m.mount === '/tone.mp3')!.source!.silent, false);
  await push.stop();
});

test.serial('a plain ffmpeg source never reports: silent is null (unknown), not false', async (t) => {
  const source = startSource({ port: port('sourcePlain'), mount: '/plain.mp3', codec: 'mp3', password: PASSWORD });
  t.teardown(() => stopProcess(source));
  const view = await mountWhere('/plain.mp3', (m) => m.source !== null && m.source.bytesIn > 0, 'the ffmpeg source live');
  t.is(view.source!.silent, null);
  t.is(view.source!.silentSince, null);
  t.regex(view.source!.userAgent ?? '', /Lavf/);
});

test.serial('a relay restart the gateway holds the source across counts as a reconnect, and the next report puts the silence back', async (t) => {
  const push = startPush(t, ['--input', `file:${join(dir, 'silent.wav')}`, '--silence-after', '1', link('/held.mp3')]);
  await mountWhere('/held.mp3', (m) => m.source?.silent === true && m.source.reconnects === 0, '/held.mp3 silent');
  const relay = sv.components.get('relay')!;
  const pid = relay.pid!;
  process.kill(pid, 'SIGKILL');
  await until(() => relay.state === 'running' && relay.pid !== pid, 20_000, 'the relay restarted');
  // The agent's connection never broke (gateway.hold.sources): it does not know the relay restarted.
  const view = await mountWhere('/held.mp3', (m) => m.source?.reconnects === 1 && m.source.silent === true, 'reconnect counted and silence reported again', 40_000);
  t.regex(view.source!.userAgent ?? '', /^icegate-push\//);
  t.true(push.statuses.every((s) => s.reconnects === 0), 'the push never reconnected');
  await push.stop();
});
