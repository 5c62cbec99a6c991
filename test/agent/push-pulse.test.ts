// A real sound server without hardware: a PulseAudio user daemon (Debian: pulseaudio,
// pulseaudio-utils) with its own XDG_RUNTIME_DIR and a null sink. A tone is played into the sink;
// `icegate push --input pulse:<sink>.monitor` captures it (with the npm ffmpeg, which has no
// pulse device, through parec; with Debian's ffmpeg, natively) and the TLS player decodes it.
import test from 'ava';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, FFMPEG, stopProcess } from '../helpers/ffmpeg.ts';
import { startPush, testStack, tlsListen } from './stack.ts';

const have = (program: string): boolean => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const missing = ['pulseaudio', 'parec', 'pactl'].filter((p) => !have(p));
const DEBIAN_FFMPEG = '/usr/bin/ffmpeg';

let runtime: string;
let player: ChildProcess | undefined;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, XDG_RUNTIME_DIR: runtime, PULSE_RUNTIME_PATH: join(runtime, 'pulse') });

test.before(async () => {
  if (missing.length > 0) return;
  runtime = await mkdtemp(join(tmpdir(), 'icegate-pulse-'));
  await chmod(runtime, 0o700);
  execFileSync('pulseaudio', ['-D', '--exit-idle-time=-1', '-n', '--load=module-native-protocol-unix', '--load=module-null-sink sink_name=studio'], { env: env(), stdio: 'ignore' });
  // A tone played into the sink, as a mixer would; its monitor is what a studio captures.
  // The npm ffmpeg has no pulse output, so pacat plays what it renders.
  player = spawn('sh', ['-c', `"${FFMPEG}" -v error -re -f lavfi -i sine=frequency=523:sample_rate=44100 -ac 2 -f s16le - | pacat --device=studio --format=s16le --rate=44100 --channels=2 --raw`], { env: env(), stdio: 'ignore', detached: true });
});

test.after.always(async () => {
  if (missing.length > 0) return;
  if (player?.pid) {
    try {
      process.kill(-player.pid, 'SIGKILL');
    } catch {}
    await stopProcess(player);
  }
  spawnSync('pulseaudio', ['--kill'], { env: env() });
  await rm(runtime, { recursive: true, force: true });
});

const variants = [
  { title: 'the npm ffmpeg (parec records)', ffmpeg: null as string | null },
  { title: "Debian's ffmpeg (pulse input)", ffmpeg: DEBIAN_FFMPEG },
];

if (missing.length > 0) test.skip(`PulseAudio capture needs the Debian packages pulseaudio and pulseaudio-utils (missing: ${missing.join(', ')})`, () => {});
else if (!existsSync(DEBIAN_FFMPEG)) test.skip("PulseAudio capture with a pulse-capable ffmpeg needs the Debian package ffmpeg", () => {});

for (const v of variants) {
  const run = missing.length > 0 || (v.ffmpeg !== null && !existsSync(v.ffmpeg)) ? test.serial.skip : test.serial;
  run(`pulse: a tone played into a null sink is captured from its monitor and decodes (${v.title})`, async (t) => {
    const list = spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/icegate.js'), 'push', '--list-inputs'], { env: env(), encoding: 'utf8' });
    t.regex(list.stdout, /pulse:studio\.monitor/);
    const stack = await testStack(t);
    const args = ['--input', 'pulse:studio.monitor', ...(v.ffmpeg ? ['--ffmpeg', v.ffmpeg] : []), stack.link('/studio.mp3')];
    const push = startPush(t, args, env());
    const live = await push.until((s) => s.state === 'live' && s.peakDbfs !== null && s.peakDbfs > -30, 30_000, 'live with the tone audible');
    t.false(live.silent);
    const capture = await tlsListen(stack.gateway.gw.ports().listenerTls, '/studio.mp3', 24_000);
    t.is(capture.status, 200);
    const decoded = await decode(capture.body, 'mp3');
    t.true(decoded.ok && decoded.seconds > 1, `${decoded.errors} ${decoded.seconds} s`);
    t.is(await push.stop(), 0);
  });
}
