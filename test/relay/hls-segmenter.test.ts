// Cutting aligned MP3 and ADTS frames into packed-audio segments: whole frames only, never past
// the target duration, each led by its timestamp tag, the timeline continuous across segments,
// sources, samplerates and the 33-bit wrap.
import test from 'ava';
import { Segmenter, type Segment } from '../../relay/hls/segmenter.ts';
import { parseMpegHeader } from '../../stream/formats/mpeg.ts';
import { parseAdtsHeader } from '../../stream/formats/adts.ts';
import { PTS_MODULO, addTicks, samplesToTicks } from '../../relay/hls/pts.ts';

/** MPEG-1 Layer III, 128 kbit/s, no padding: 417 bytes at 44.1 kHz, 384 at 48 kHz. */
function mp3Frame(rate: 44100 | 48000 = 44100, fill = 0): Buffer {
  const header = Buffer.from([0xff, 0xfb, rate === 44100 ? 0x90 : 0x94, 0x44]);
  const f = Buffer.alloc(parseMpegHeader(header, 0)!.length, fill);
  header.copy(f);
  return f;
}

/** ADTS AAC-LC, 44.1 kHz stereo, one raw data block, no CRC. */
function adtsFrame(length = 200): Buffer {
  const f = Buffer.alloc(length);
  Buffer.from([0xff, 0xf1, 0x50, 0x80 | (length >> 11), (length >> 3) & 0xff, ((length & 7) << 5) | 0x1f, 0xfc]).copy(f);
  return f;
}

function frames(make: () => Buffer, n: number): Buffer {
  return Buffer.concat(Array.from({ length: n }, make));
}

/** The frames of a segment after its 73-byte tag, walked with the relay's parsers; throws on a partial frame. */
function framesOf(s: Segment): number {
  let off = 73;
  let n = 0;
  while (off < s.data.length) {
    const h = s.codec === 'mp3' ? parseMpegHeader(s.data, off) : parseAdtsHeader(s.data, off);
    if (!h || off + h.length > s.data.length) throw new Error(`no whole frame at ${off}`);
    off += h.length;
    n++;
  }
  return n;
}

function ptsOf(s: Segment): number {
  if (s.data.subarray(0, 3).toString('latin1') !== 'ID3') throw new Error('no ID3 tag');
  return Number(s.data.readBigUInt64BE(65));
}

test('segments hold whole frames and end before the frame that would pass the target', (t) => {
  const table: Array<{ codec: 'mp3' | 'aac'; make: () => Buffer; target: number; perSegment: number; rate: number; spf: number }> = [
    { codec: 'mp3', make: () => mp3Frame(44100), target: 1, perSegment: 38, rate: 44100, spf: 1152 }, // 38·1152 = 43776 ≤ 44100 < 44928
    { codec: 'mp3', make: () => mp3Frame(44100), target: 2, perSegment: 76, rate: 44100, spf: 1152 },
    { codec: 'mp3', make: () => mp3Frame(48000), target: 1, perSegment: 41, rate: 48000, spf: 1152 },
    { codec: 'aac', make: () => adtsFrame(), target: 1, perSegment: 43, rate: 44100, spf: 1024 }, // 43·1024 = 44032
    { codec: 'aac', make: () => adtsFrame(), target: 6, perSegment: 258, rate: 44100, spf: 1024 }, // docs/hls.md#cutting-segments: 5.991 s
  ];
  for (const row of table) {
    const seg = new Segmenter({ targetDuration: row.target });
    const out: Segment[] = [];
    // Chunks of 7 frames, as the framer groups them: segment edges fall inside chunks.
    const total = row.perSegment * 3 + 5;
    for (let sent = 0; sent < total; sent += 7) out.push(...seg.push(frames(row.make, Math.min(7, total - sent)), row.codec));
    t.is(out.length, 3, `${row.codec}@${row.rate}/${row.target}: three full segments before the flush`);
    out.push(...seg.flush());
    t.deepEqual(out.map(framesOf), [row.perSegment, row.perSegment, row.perSegment, 5], `${row.codec}@${row.rate}/${row.target}`);
    for (const s of out) {
      t.is(s.codec, row.codec);
      t.is(s.samplerate, row.rate);
      t.true(s.samples / s.samplerate <= row.target, 'EXTINF ≤ TARGETDURATION');
      t.is(s.samples, framesOf(s) * row.spf);
      t.is(ptsOf(s), s.pts, 'the tag carries the segment PTS');
    }
    // The timeline counts samples: each segment starts where the one before ended.
    for (let i = 1; i < out.length; i++) t.is(out[i]!.pts, samplesToTicks(row.perSegment * row.spf * i, row.rate));
    t.false(out.some((s) => s.discontinuity));
  }
});

test('a new source continues the timeline with a discontinuity; so does a new samplerate', (t) => {
  const seg = new Segmenter({ targetDuration: 1 });
  const first = seg.push(frames(() => mp3Frame(44100), 40), 'mp3');
  const ended = seg.flush();
  seg.discontinue();
  const second = [...seg.push(frames(() => mp3Frame(48000), 50), 'mp3'), ...seg.flush()];
  t.is(first.length, 1);
  t.is(ended.length, 1);
  t.is(framesOf(ended[0]!), 2);
  t.is(second.length, 2);
  t.true(second[0]!.discontinuity, 'the first segment of the new source');
  t.false(second[1]!.discontinuity);
  t.is(second[0]!.pts, samplesToTicks(40 * 1152, 44100));
  t.is(second[1]!.pts, second[0]!.pts + samplesToTicks(41 * 1152, 48000));

  // Without a reconnect, a samplerate change inside one push still cuts and flags.
  const mixed = new Segmenter({ targetDuration: 1 });
  const out = [...mixed.push(Buffer.concat([frames(() => mp3Frame(44100), 10), frames(() => mp3Frame(48000), 10)]), 'mp3'), ...mixed.flush()];
  t.deepEqual(out.map((s) => [s.samplerate, framesOf(s), s.discontinuity]), [
    [44100, 10, false],
    [48000, 10, true],
  ]);
  t.is(out[1]!.pts, samplesToTicks(10 * 1152, 44100));
});

test('the 33-bit wrap is flagged as a discontinuity', (t) => {
  const start = PTS_MODULO - samplesToTicks(38 * 1152, 44100) - 100;
  const seg = new Segmenter({ targetDuration: 1, startPts: start });
  const out = [...seg.push(frames(() => mp3Frame(), 38 * 3), 'mp3'), ...seg.flush()];
  t.deepEqual(out.map((s) => s.discontinuity), [false, false, true]);
  t.is(out[1]!.pts, PTS_MODULO - 100);
  t.is(out[2]!.pts, addTicks(PTS_MODULO - 100, samplesToTicks(38 * 1152, 44100)));
  t.true(out[2]!.pts < 90000);
});

test('mislabelled ADTS is cut as AAC; other codecs and stray bytes never enter a segment', (t) => {
  const seg = new Segmenter({ targetDuration: 1 });
  t.deepEqual(seg.push(frames(() => Buffer.from('OggS'), 100), 'vorbis'), []);
  seg.push(frames(() => adtsFrame(), 10), 'mp3');
  seg.push(Buffer.concat([frames(() => adtsFrame(), 2), Buffer.from('junk'), adtsFrame()]), 'aac');
  const [s] = seg.flush();
  t.is(s!.codec, 'aac');
  t.is(framesOf(s!), 12, 'the walk stops at the stray bytes');
  t.deepEqual(seg.flush(), [], 'nothing left, nothing invented');
});

test('msToCut: the audio left until the open segment reaches the target duration', (t) => {
  const s = new Segmenter({ targetDuration: 2 });
  t.is(s.msToCut(), Infinity);
  s.push(frames(() => mp3Frame(), 10), 'mp3');
  // 10 frames of 1152 samples at 44.1 kHz: 261.2 ms of the 2000.
  t.is(Math.round(s.msToCut()), 2000 - Math.round((10 * 1152 * 1000) / 44100));
  // 76 frames (1985 ms) make the first segment; the 14 after it are open.
  t.is(s.push(frames(() => mp3Frame(), 80), 'mp3').length, 1);
  t.is(Math.round(s.msToCut()), 2000 - Math.round((14 * 1152 * 1000) / 44100));
});
