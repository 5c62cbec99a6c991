// File-backed mounts: an MP3 looped in real time. Frame parsing and pacing are checked on a fake
// clock; a relay plays a real encoder's file to a listener, also as another mount's fallback.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../stream/clock.ts';
import { FilePlayer, loadMp3File, type FileTarget } from '../../relay/file-mount.ts';
import { FilePacer } from '../../relay/file-pacer.ts';
import { mp3Frames } from '../../relay/mp3-frames.ts';
import { decode, FFMPEG } from '../helpers/ffmpeg.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { listen } from '../helpers/listen.ts';
import { testRelay } from '../helpers/relay.ts';

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo: 417 bytes, 1152 samples (26.12 ms). */
const FRAME_MS = (1152 * 1000) / 44100;
function frame(fill = 0x55, padding = false): Buffer {
  const f = Buffer.alloc(padding ? 418 : 417, fill);
  f.set([0xff, 0xfb, padding ? 0x92 : 0x90, 0x64]);
  return f;
}
function infoFrame(): Buffer {
  const f = frame(0);
  f.write('Info', 4 + 32, 'latin1');
  return f;
}
const frames = (n: number, fill = 0x55): Buffer => Buffer.concat(Array.from({ length: n }, (_, i) => frame(fill, i % 3 === 0)));
const id3v2 = Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x14', 'latin1'), Buffer.alloc(20, 0xff)]);
const id3v1 = Buffer.concat([Buffer.from('TAG', 'latin1'), Buffer.alloc(125, 0x20)]);

test('mp3Frames: tags, the Info frame and garbage are left out; every audio frame is found', (t) => {
  const file = Buffer.concat([id3v2, infoFrame(), frames(10), Buffer.from('junk\xff\xfe', 'latin1'), frames(5, 0x66), id3v1]);
  const found = mp3Frames(file);
  t.is(found.length, 15);
  t.is(found[0]!.offset, id3v2.length + 417);
  t.deepEqual(
    found.map((f) => f.length),
    [418, 417, 417, 418, 417, 417, 418, 417, 417, 418, 418, 417, 417, 418, 417],
  );
  t.true(found.every((f) => Math.abs(f.durationMs - FRAME_MS) < 1e-9));
  t.is(file[found[10]!.offset + 4], 0x66);
});

test('mp3Frames: a file that is not MP3 has no frames', (t) => {
  t.deepEqual(mp3Frames(Buffer.from('<html>not audio</html>'.repeat(100))), []);
});

test('FilePacer: frames are due by their start time; adjacent frames come as one slice; the loop wraps', (t) => {
  const file = Buffer.concat([id3v2, frames(3)]);
  const pacer = new FilePacer(file, mp3Frames(file));
  t.is(pacer.loopMs, 3 * FRAME_MS);
  t.deepEqual(pacer.take(0), [file.subarray(id3v2.length, id3v2.length + 418)]);
  t.deepEqual(pacer.take(FRAME_MS * 2), [file.subarray(id3v2.length + 418)]);
  // The next loop starts with the first frame again: a new slice.
  const next = pacer.take(FRAME_MS * 4);
  t.deepEqual(next, [file.subarray(id3v2.length, id3v2.length + 418 + 417)]);
  t.is(pacer.positionMs, 5 * FRAME_MS);
});

interface Written {
  bytes: number;
  refuse: number;
}

/** A target recording bytes; MP3 frames here are 417/418 bytes, so bytes tell the duration. */
function target(w: Written): FileTarget {
  return {
    write: (d) => {
      if (w.refuse > 0) {
        w.refuse--;
        return false;
      }
      w.bytes += d.length;
      return true;
    },
    end: () => {},
  };
}
const playedMs = (bytes: number): number => (bytes / (417 + 1 / 3)) * FRAME_MS;

test('FilePlayer: over N seconds of clock, N seconds of frames are written — also after an hour', (t) => {
  const file = frames(300);
  const clock = new FakeClock();
  const w: Written = { bytes: 0, refuse: 0 };
  const player = new FilePlayer(new FilePacer(file, mp3Frames(file)), clock, () => target(w));
  player.start();
  clock.advance(10_000);
  t.true(Math.abs(playedMs(w.bytes) - 10_000) <= FRAME_MS * 2, `${playedMs(w.bytes)} ms after 10 s`);
  clock.advance(3_600_000);
  t.true(Math.abs(playedMs(w.bytes) - 3_610_000) <= FRAME_MS * 2, `${playedMs(w.bytes)} ms after 1 h 10 s: no drift`);
  player.stop();
  t.is(clock.pending, 0);
});

test('FilePlayer: after a stall it skips ahead instead of flooding the mount', (t) => {
  const file = frames(300);
  const fake = new FakeClock();
  let jump = 0;
  const clock: Clock = { now: () => fake.now() + jump, after: (ms, fn) => fake.after(ms, fn) };
  const w: Written = { bytes: 0, refuse: 0 };
  const player = new FilePlayer(new FilePacer(file, mp3Frames(file)), clock, () => target(w));
  player.start();
  fake.advance(1000);
  const before = w.bytes;
  jump = 30_000; // the host was suspended: no tick ran for 30 s
  fake.advance(100);
  t.true(playedMs(w.bytes - before) < 200, `${playedMs(w.bytes - before)} ms written after the stall`);
  player.stop();
});

test('FilePlayer: a taken mount is retried; a target that stops taking audio is reopened', (t) => {
  const file = frames(100);
  const clock = new FakeClock();
  const w: Written = { bytes: 0, refuse: 0 };
  let opens = 0;
  const player = new FilePlayer(new FilePacer(file, mp3Frames(file)), clock, () => (++opens === 1 ? null : target(w)));
  player.start();
  t.is(w.bytes, 0);
  clock.advance(2000);
  t.is(opens, 2);
  t.true(w.bytes > 0);
  w.refuse = 1;
  clock.advance(100);
  clock.advance(2000);
  t.is(opens, 3);
  player.stop();
});

const refuses = test.macro({
  async exec(t, make: (dir: string) => Promise<string>, expected: RegExp) {
    const dir = await mkdtemp(join(tmpdir(), 'icegate-file-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const r = await loadMp3File(await make(dir));
    t.false(r.ok);
    if (!r.ok) t.regex(r.error, expected);
  },
  title: (name = '') => `loadMp3File refuses ${name}`,
});

test('a missing file', refuses, async (dir) => join(dir, 'nope.mp3'), /nope\.mp3 does not exist$/);
test('a directory', refuses, async (dir) => dir, /is not a file$/);
test('a file that is not MP3', refuses, async (dir) => {
  const p = join(dir, 'x.mp3');
  await writeFile(p, 'hello world\n'.repeat(1000));
  return p;
}, /contains no MPEG audio frames \(file mounts play MP3 only\)$/);
test('a file over 50 MiB', refuses, async (dir) => {
  const p = join(dir, 'big.mp3');
  await writeFile(p, '');
  await truncate(p, 51 * 1024 * 1024);
  return p;
}, /big\.mp3 is 51\.0 MiB; a file mount holds at most 50 MiB$/);

/** A real encoder's file: ID3v2 tag and LAME Info frame included. */
async function encodedFile(dir: string, seconds: number): Promise<string> {
  const path = join(dir, 'wbrb.mp3');
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', path];
  await new Promise<void>((resolve, reject) => execFile(FFMPEG, args, (err) => (err ? reject(err) : resolve())));
  return path;
}

test('a relay plays a file mount to listeners, also as the fallback of a mount without source; a bad file is logged', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-file-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = await encodedFile(dir, 2);
  const logs: string[] = [];
  const relay = await testRelay(
    {
      mounts: {
        '/wbrb.mp3': { file, streamName: 'Back soon' },
        '/live.mp3': { fallbackMount: '/wbrb.mp3' },
        '/broken.mp3': { file: join(dir, 'missing.mp3') },
      },
    },
    { log: (level, message) => logs.push(`${level}: ${message}`) },
  );
  t.teardown(() => relay.close());
  await relay.files.ready;
  t.deepEqual(logs, [`error: mounts./broken.mp3.file: ${join(dir, 'missing.mp3')} does not exist`]);
  t.like(relay.files.list().find((f) => f.mount === '/broken.mp3'), { state: 'failed' });

  const mount = relay.ctx.registry.get('/wbrb.mp3')!;
  t.like(mount.stats(), { live: true, sourceKind: 'file', contentType: 'audio/mpeg' });
  const cap = await listen({ port: relay.port(), path: '/wbrb.mp3', bytes: 40 * 1024 });
  t.is(cap.status, 200);
  t.is(cap.headers.get('icy-name')?.[0], 'Back soon');
  const result = await decode(cap.body, 'mp3');
  t.true(result.ok, result.errors);
  t.true(result.seconds > 2, `decoded ${result.seconds} s: the 2 s file loops`);

  const fallback = await listen({ port: relay.port(), path: '/live.mp3', bytes: 16 * 1024 });
  t.is(fallback.status, 200);
  t.is(fallback.headers.get('content-type')?.[0], 'audio/mpeg');
  t.true((await decode(fallback.body, 'mp3')).ok);
});
