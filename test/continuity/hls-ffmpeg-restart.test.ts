// A real HLS player across kill -9 of the relay core: Debian's ffmpeg (its hls demuxer, what mpv
// plays HLS with) reads the live playlist through the gateway and decodes everything it gets,
// while the relay is killed and started again. It must keep reading (a failed playlist reload
// would end it) and decode past the restart without an error. Skipped without the Debian package
// ffmpeg (/usr/bin/ffmpeg; the npm ffmpeg 4.1 misdates small segments, test/relay/hls-live.test.ts).
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stopProcess } from '../helpers/ffmpeg.ts';
import { startStack, tlsSource, until } from './restart-kit.ts';

const SYSTEM_FFMPEG = '/usr/bin/ffmpeg';

test('ffmpeg reading HLS through the gateway keeps playing across kill -9 of the relay', async (t) => {
  if (!existsSync(SYSTEM_FFMPEG)) return t.pass(`skipped: needs the Debian package ffmpeg (${SYSTEM_FFMPEG})`);
  const stack = await startStack({}, { hls: { targetDuration: 2, windowSegments: 6 } });
  t.teardown(() => stack.close());
  const source = tlsSource(stack.gw.ports().source, '/live.mp3', 'mp3');
  t.teardown(() => stopProcess(source));
  const holds: string[] = [];
  stack.gw.events.on('hold', (e) => holds.push(e.message));
  const url = `http://127.0.0.1:${stack.gw.ports().listener}/hls/live.mp3/live.m3u8`;
  // The playlist exists once the first segment is cut.
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 20_000;
    const poll = (): void =>
      void fetch(url).then(
        (r) => (r.status === 200 ? resolve() : Date.now() > deadline ? reject(new Error(`playlist ${r.status}`)) : setTimeout(poll, 200)),
        () => setTimeout(poll, 200),
      );
    poll();
  });
  const player = spawn(SYSTEM_FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-progress', 'pipe:1', '-i', url, '-f', 'null', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => stopProcess(player));
  let seconds = 0;
  let said = '';
  player.stdout!.setEncoding('utf8').on('data', (d: string) => {
    for (const m of d.matchAll(/out_time_us=(\d+)/g)) seconds = Math.max(seconds, Number(m[1]) / 1e6);
  });
  player.stderr!.setEncoding('utf8').on('data', (d: string) => (said += d));
  await until(() => seconds >= 4, 30_000, 'the player decoding');
  const before = seconds;
  await stack.killRelay();
  await stack.startRelay();
  await until(() => holds.some((l) => /resumed on the relay/.test(l)), 15_000, 'the source resumed');
  // Three segments' worth of audio decoded after the restart, by a player that never stopped.
  await until(() => seconds >= before + 12 || player.exitCode !== null, 40_000, 'the player decoding past the restart');
  t.is(player.exitCode, null, `the player still running: ${said.slice(0, 800)}`);
  t.true(seconds >= before + 12, `decoded ${seconds.toFixed(1)} s, ${before.toFixed(1)} s before the kill`);
  // ffmpeg 5.1's hls reader warns once of "non monotonically increasing dts" about 16 s into any
  // live MP3 playlist of ours, restart or not (its null muxer, not a decoding error); anything else
  // it says is a failure.
  const other = said.split('\n').filter((l) => l.trim() !== '' && !/non monotonically increasing dts/.test(l));
  t.deepEqual(other, [], 'ffmpeg reported nothing else');
  t.log(`decoded ${seconds.toFixed(1)} s (${before.toFixed(1)} s before the kill); ffmpeg said: ${said.trim().slice(0, 400) || 'nothing'}`);
});
