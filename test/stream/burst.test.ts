// The burst in seconds of audio (stream/burst.ts): bytes from the mount's bitrate, an explicit
// burstSize as Icecast has it, and the listener's start still on a frame boundary.
import test from 'ava';
import { ASSUMED_KBPS, planBurst, type BurstPlan, type BurstPolicy, type BurstRate } from '../../stream/burst.ts';
import { StreamQueue } from '../../stream/stream-queue.ts';
import { createFramer } from '../../stream/formats/index.ts';
import { encode } from './formats-fixtures.ts';

const plans = test.macro({
  exec(t, policy: BurstPolicy, rate: BurstRate, expected: BurstPlan) {
    t.deepEqual(planBurst(policy, rate), expected);
  },
  title: (title = '', policy: BurstPolicy, rate: BurstRate) => `${title}: ${JSON.stringify(policy)} at ${JSON.stringify(rate)}`,
});

const seconds = (s: number): BurstPolicy => ({ burstSize: null, burstSeconds: s });

test('1 s at 32 kbit/s', plans, seconds(1), { measured: 32 }, { bytes: 4000, basis: 'measured', kbps: 32 });
test('1 s at 128 kbit/s', plans, seconds(1), { measured: 128 }, { bytes: 16000, basis: 'measured', kbps: 128 });
test('1 s at 320 kbit/s', plans, seconds(1), { measured: 320 }, { bytes: 40000, basis: 'measured', kbps: 320 });
test('2.5 s at 32 kbit/s', plans, seconds(2.5), { declared: 32 }, { bytes: 10000, basis: 'declared', kbps: 32 });
test('a fraction of a byte rounds up', plans, seconds(0.1), { measured: 96.01 }, { bytes: 1201, basis: 'measured', kbps: 96.01 });
test('measured wins over declared', plans, seconds(1), { measured: 64, declared: 320 }, { bytes: 8000, basis: 'measured', kbps: 64 });
test('declared when nothing measured yet', plans, seconds(1), { measured: null, declared: 320 }, { bytes: 40000, basis: 'declared', kbps: 320 });
test('unknown bitrate: the assumed rate', plans, seconds(1), {}, { bytes: 16000, basis: 'assumed', kbps: ASSUMED_KBPS });
test('an implausible rate is not believed', plans, seconds(1), { measured: 0.5, declared: 99999 }, { bytes: 16000, basis: 'assumed', kbps: 128 });
test('a NaN measurement is not believed', plans, seconds(1), { measured: Number.NaN, declared: 64 }, { bytes: 8000, basis: 'declared', kbps: 64 });
test('burstSeconds 0: no burst', plans, seconds(0), { measured: 128 }, { bytes: 0, basis: 'off', kbps: null });
test('an explicit burstSize wins', plans, { burstSize: 65536, burstSeconds: 1 }, { measured: 32 }, { bytes: 65536, basis: 'burstSize', kbps: null });
test('an explicit burstSize wins with the rate unknown', plans, { burstSize: 4096, burstSeconds: 1 }, {}, { bytes: 4096, basis: 'burstSize', kbps: null });
test("burstSize 0: no burst (Icecast's burst-on-connect 0)", plans, { burstSize: 0, burstSeconds: 1 }, { measured: 128 }, { bytes: 0, basis: 'off', kbps: null });

/** MPEG-1 Layer III frames at 44.1 kHz, joint stereo, no CRC; `index` is the bitrate index (1 = 32 kbit/s … 14 = 320). */
function mp3Frames(index: number, kbps: number, n: number): Buffer[] {
  const length = Math.floor((144000 * kbps) / 44100);
  return Array.from({ length: n }, () => {
    const f = Buffer.alloc(length);
    f.set([0xff, 0xfb, (index << 4) | 0x00, 0x44]);
    return f;
  });
}

const MP3_RATES: Array<[index: number, kbps: number]> = [
  [1, 32],
  [9, 128],
  [14, 320],
];

for (const [index, kbps] of MP3_RATES) {
  test(`the framer measures ${kbps} kbit/s from MP3 frames, and the burst starts on a frame 1 s back`, (t) => {
    const framer = createFramer('audio/mpeg');
    const frames = mp3Frames(index, kbps, 200); // 200 × 1152 samples: 5.2 s
    t.is(framer.measuredKbps?.(), null, 'nothing measured before a second of audio');
    const queue = new StreamQueue(1 << 20);
    // Fed in pieces that cut frames apart, as a socket does; each chunk the framer emits is whole frames.
    const all = Buffer.concat(frames);
    for (let at = 0; at < all.length; at += 1000) {
      for (const chunk of framer.push(all.subarray(at, at + 1000))) queue.append(chunk, null);
    }
    const measured = framer.measuredKbps?.() ?? 0;
    // Frames of floor(144000 × kbps / 44100) bytes without padding: slightly under the nominal rate.
    t.true(Math.abs(measured - kbps) / kbps < 0.01, `measured ${measured}`);
    const plan = planBurst(seconds(1), { measured });
    t.is(plan.basis, 'measured');
    const seq = queue.burstStart(plan.bytes);
    const start = queue.at(seq)!;
    t.deepEqual([...start.data.subarray(0, 2)], [0xff, 0xfb], 'the burst starts on a frame header');
    t.true(queue.tail - start.start >= plan.bytes, 'at least the planned burst');
    t.true(queue.tail - start.start < plan.bytes + 1000 + frames[0]!.length, 'no more than a chunk beyond it');
  });
}

test('the framer measures AAC (ADTS carries no bitrate) from its frames', async (t) => {
  const data = await encode('aac', { seconds: 4 });
  const framer = createFramer('audio/aac');
  framer.push(data);
  const measured = framer.measuredKbps?.();
  if (typeof measured !== 'number') return t.fail('nothing measured');
  // ffmpeg's aac at -b:a 96k: an average bitrate, so within a fifth of it.
  t.true(measured > 96 * 0.8 && measured < 96 * 1.2, `measured ${measured}`);
});

test('an Ogg framer measures nothing: the declared or assumed rate decides', (t) => {
  const framer = createFramer('audio/ogg');
  t.is(framer.measuredKbps?.() ?? null, null);
});
