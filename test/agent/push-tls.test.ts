// `icegate push` against a real relay core and gateway over TLS: what it sends reaches a TLS
// player and decodes, for a tone and a looped file, in each codec.
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { decode, FFMPEG } from '../helpers/ffmpeg.ts';
import { startPush, testStack, tlsListen } from './stack.ts';

let dir: string;
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-push-'));
  // 3 s of a 1 kHz tone: short, so the loop restarts during the test.
  spawnSync(FFMPEG, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=1000:duration=3', '-ac', '2', join(dir, 'tone.wav')]);
});
test.after.always(() => rm(dir, { recursive: true, force: true }));

const cases = [
  { title: 'tone as MP3', input: 'tone', args: [], mount: '/tone.mp3', format: 'mp3' },
  { title: 'a looped file as mono 48 kbit/s MP3', input: 'file:FILE', args: ['--channels', '1', '--bitrate', '48'], mount: '/file.mp3', format: 'mp3' },
  { title: 'tone as AAC', input: 'tone', args: ['--codec', 'aac'], mount: '/tone.aac', format: 'aac' },
  { title: 'tone as Opus', input: 'tone', args: ['--codec', 'opus', '--bitrate', '64'], mount: '/tone.opus', format: 'ogg' },
];

for (const c of cases) {
  test.serial(`${c.title} reaches a TLS player and decodes`, async (t) => {
    const stack = await testStack(t);
    const input = c.input.replace('FILE', join(dir, 'tone.wav'));
    const push = startPush(t, ['--input', input, ...c.args, stack.link(c.mount)]);
    const live = await push.until((s) => s.state === 'live', 20_000, 'live');
    t.is(live.reconnects, 0);
    const capture = await tlsListen(stack.gateway.gw.ports().listenerTls, c.mount, 24_000);
    t.is(capture.status, 200);
    const decoded = await decode(capture.body, c.format);
    t.true(decoded.ok, decoded.errors);
    t.true(decoded.seconds > 0.5, `decoded ${decoded.seconds} s`);
    t.is(await push.stop(), 0);
  });
}
