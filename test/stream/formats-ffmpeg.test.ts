// The framers against real encoder output (ffmpeg's libmp3lame, aac, libopus, libvorbis).
import test from 'ava';
import type { AudioInfo, Chunk } from '../../stream/types.ts';
import { createFramer } from '../../stream/formats/index.ts';
import { adtsSyntax } from '../../stream/formats/adts.ts';
import { mpegSyntax } from '../../stream/formats/mpeg.ts';
import { id3v2Length } from '../../stream/formats/id3.ts';
import { readOggPage } from '../../stream/formats/ogg-page.ts';
import type { FrameSyntax } from '../../stream/formats/frame-syntax.ts';
import { contentTypeOf, decode, encode, feed, oggPages, pieces, randomBytes, type EncoderName } from './formats-fixtures.ts';

const INFO: Record<EncoderName, AudioInfo> = {
  mp3: { samplerate: 44100, channels: 2, bitrate: 128 },
  aac: { samplerate: 44100, channels: 2 },
  // libopus encodes at 48 kHz; ffmpeg writes the rate it fed the encoder into OpusHead.
  opus: { samplerate: 48000, channels: 2 },
  vorbis: { samplerate: 44100, channels: 2 },
};
const isOgg = (name: EncoderName): boolean => name === 'opus' || name === 'vorbis';
const joined = (chunks: Chunk[]): Buffer => Buffer.concat(chunks.map((c) => c.data));

/** Whether the chunk is exactly a run of whole frames (or whole pages with valid CRCs). */
function wholeUnits(name: EncoderName, data: Buffer): boolean {
  const syntax: FrameSyntax = name === 'mp3' ? mpegSyntax : adtsSyntax;
  for (let off = 0; off < data.length; ) {
    if (isOgg(name)) {
      const page = readOggPage(data, off);
      if (typeof page === 'string') return false;
      off += page.bytes.length;
    } else {
      const frame = syntax.parse(data, off);
      if (!frame) return false;
      off += frame.length;
    }
  }
  return true;
}

/** Length of the ID3 tag ffmpeg's mp3 muxer writes first: the framer drops it. */
function leadingTag(input: Buffer): number {
  const tag = id3v2Length(input, 0);
  return typeof tag === 'number' ? tag : 0;
}

const reassembles = test.macro({
  async exec(t, name: EncoderName, seed: number) {
    const input = await encode(name);
    const framer = createFramer(contentTypeOf(name));
    const fed = feed(framer, pieces(input, seed));
    const skipped = leadingTag(input);
    const header = framer.headerPages() ?? Buffer.alloc(0);
    t.true(Buffer.concat([header, joined(fed.chunks)]).equals(input.subarray(skipped)));
    t.is(framer.droppedBytes(), skipped);
    t.is(skipped > 0, name === 'mp3');
    t.is(isOgg(name), header.length > 0);
    t.is(framer.codec, name);
    t.deepEqual(framer.audioInfo(), INFO[name]);
    t.true(fed.chunks.length > 3);
    t.true(fed.chunks.every((c) => c.sync && wholeUnits(name, c.data)));
  },
  title: (_ = '', name: EncoderName, seed: number) => `${name}: random pieces (seed ${seed}) reassemble the stream on frame/page boundaries`,
});

const garbage = test.macro({
  async exec(t, name: EncoderName) {
    const input = await encode(name);
    const clean = createFramer(contentTypeOf(name));
    const cleanFed = feed(clean, [input]);
    const skipped = leadingTag(input);
    // Insert the second lot of garbage where the middle chunk begins: a frame/page boundary.
    const middle = Math.floor(cleanFed.chunks.length / 2);
    const cut = skipped + (clean.headerPages()?.length ?? 0) + joined(cleanFed.chunks.slice(0, middle)).length;
    const g1 = randomBytes(3000, 21);
    const g2 = randomBytes(2500, 22);
    const framer = createFramer(contentTypeOf(name));
    const fed = feed(framer, pieces(Buffer.concat([g1, input.subarray(0, cut), g2, input.subarray(cut)]), 23));
    t.true(joined(fed.chunks).equals(joined(cleanFed.chunks)));
    t.is(framer.droppedBytes(), skipped + g1.length + g2.length);
  },
  title: (_ = '', name: EncoderName) => `${name}: garbage prepended and inserted is dropped and counted`,
});

const joinsMidStream = test.macro({
  async exec(t, name: EncoderName) {
    const framer = createFramer(contentTypeOf(name));
    const fed = feed(framer, pieces(await encode(name), 31));
    const tail = fed.chunks.slice(Math.floor(fed.chunks.length / 2));
    const stream = Buffer.concat([framer.headerPages() ?? Buffer.alloc(0), joined(tail)]);
    t.deepEqual(await decode(stream), { code: 0, stderr: '' });
  },
  title: (_ = '', name: EncoderName) => `${name}: a listener starting at a middle chunk decodes without errors`,
});

for (const name of ['mp3', 'aac', 'opus', 'vorbis'] as const) {
  for (const seed of [1, 2, 3]) test(reassembles, name, seed);
  test(garbage, name);
  test(joinsMidStream, name);
}

const chained = test.macro({
  async exec(t, name: 'opus' | 'vorbis') {
    const first = await encode(name, { seconds: 3, frequency: 440 });
    const second = await encode(name, { seconds: 3, frequency: 660, extra: ['-serial_offset', '1000'] });
    // The header pages of ffmpeg's output are the leading pages with granule position 0.
    const headersOf = (b: Buffer): Buffer => {
      const audioAt = oggPages(b).find((p) => b.readBigInt64LE(p.offset + 6) !== 0n)!.offset;
      return b.subarray(0, audioAt);
    };
    const framer = createFramer(contentTypeOf(name));
    const fed = feed(framer, pieces(Buffer.concat([first, second]), 41));
    const gen1 = fed.chunks.filter((_, i) => fed.generations[i] === 1);
    const gen2 = fed.chunks.filter((_, i) => fed.generations[i] === 2);
    t.is(gen1.length + gen2.length, fed.chunks.length);
    t.true(fed.headers.get(1)!.equals(headersOf(first)));
    t.true(fed.headers.get(2)!.equals(headersOf(second)));
    t.true(joined(gen1).equals(first.subarray(headersOf(first).length)));
    t.true(joined(gen2).equals(second.subarray(headersOf(second).length)));
    t.is(framer.droppedBytes(), 0);
    // A listener that joined during the first link: it gets each header set before its audio. It
    // must decode as well as the original chained file does (clean for Vorbis; ffmpeg 4.1 itself
    // reports two packet errors at an Opus chain boundary).
    const listener = Buffer.concat([fed.headers.get(1)!, joined(gen1.slice(Math.floor(gen1.length / 2))), fed.headers.get(2)!, joined(gen2)]);
    const withoutAddresses = (r: { code: number | null; stderr: string }) => ({ ...r, stderr: r.stderr.replace(/0x[0-9a-f]+/g, '') });
    const reference = withoutAddresses(await decode(Buffer.concat([first, second])));
    t.deepEqual(withoutAddresses(await decode(listener)), reference);
    if (name === 'vorbis') t.deepEqual(reference, { code: 0, stderr: '' });
  },
  title: (_ = '', name: string) => `${name}: a chained stream publishes a new header set, and each push's chunks belong to one set`,
});
test(chained, 'vorbis');
test(chained, 'opus');
