import test from 'ava';
import type { Codec, Framer } from '../../stream/types.ts';
import { createFramer } from '../../stream/formats/index.ts';
import { FrameFramer } from '../../stream/formats/frame-framer.ts';
import { parseMpegHeader } from '../../stream/formats/mpeg.ts';
import { adtsSyntax } from '../../stream/formats/adts.ts';
import { feed, pieces, randomBytes } from './formats-fixtures.ts';

/** A frame of the length its header announces; the body is zeros (never a sync byte). */
function frame(headerHex: string, fill = 0): Buffer {
  const header = Buffer.from(headerHex, 'hex');
  const length = (parseMpegHeader(header, 0) ?? { length: adtsLength(header) }).length;
  const f = Buffer.alloc(length, fill);
  header.copy(f);
  return f;
}
function adtsLength(h: Buffer): number {
  return ((h[3]! & 3) << 11) | (h[4]! << 3) | (h[5]! >> 5);
}
function frames(headerHex: string, n: number): Buffer {
  return Buffer.concat(Array.from({ length: n }, () => frame(headerHex)));
}
function id3Tag(bodyLength: number, fill: number): Buffer {
  const tag = Buffer.alloc(10 + bodyLength, fill);
  Buffer.from('ID3\x04\x00\x00', 'latin1').copy(tag);
  for (let i = 0; i < 4; i++) tag[6 + i] = (bodyLength >> (7 * (3 - i))) & 0x7f;
  return tag;
}
const mp3 = (): Framer => createFramer('audio/mpeg');
const joined = (chunks: { data: Buffer }[]): Buffer => Buffer.concat(chunks.map((c) => c.data));

const MP3_128 = 'fffb9064'; // 417 bytes
const MP3_32 = 'fffb1064'; // 104 bytes
const MP3_48K = 'fffb9464'; // 128k at 48 kHz: 384 bytes

const resync = test.macro({
  exec(t, parts: Buffer[], expected: Buffer, dropped: number) {
    const f = mp3();
    const fed = feed(f, parts.flatMap((p, i) => pieces(p, i + 1, 700)));
    t.true(joined(fed.chunks).equals(expected));
    t.is(f.droppedBytes(), dropped);
    for (const c of fed.chunks) t.not(parseMpegHeader(c.data, 0), null);
  },
  title: (name = '') => `MP3 framer: ${name}`,
});

const fakeHeader = Buffer.concat([Buffer.alloc(100), Buffer.from(MP3_128, 'hex'), Buffer.alloc(50)]);
test('a lone valid header in garbage is not taken as sync', resync, [fakeHeader, frames(MP3_128, 5)], frames(MP3_128, 5), 154);

const noisyTag = id3Tag(3000, 0xff);
test('an ID3v2 tag full of 0xFF bytes at the start is skipped', resync, [noisyTag, frames(MP3_128, 4)], frames(MP3_128, 4), 3010);

test(
  'an ID3v2 tag between frames is skipped',
  resync,
  [frames(MP3_128, 3), id3Tag(500, 0xfb), frames(MP3_128, 3)],
  frames(MP3_128, 6),
  510,
);

const garbage = Buffer.concat([randomBytes(900, 7), Buffer.from('fffb9064fffb', 'hex'), randomBytes(300, 8)]);
test('garbage inserted between frames is dropped and counted', resync, [frames(MP3_128, 4), garbage, frames(MP3_128, 4)], frames(MP3_128, 8), garbage.length);

test(
  'a samplerate change relocks without losing a frame',
  resync,
  [frames(MP3_128, 3), frames(MP3_48K, 3)],
  Buffer.concat([frames(MP3_128, 3), frames(MP3_48K, 3)]),
  0,
);

test('MP3 framer: a 32 kbit/s stream fed frame by frame is emitted at once after the first two frames', (t) => {
  const f = mp3();
  const counts = Array.from({ length: 6 }, () => f.push(frame(MP3_32)).reduce((n, c) => n + c.data.length, 0));
  t.deepEqual(counts, [0, 208, 104, 104, 104, 104]);
});

test('MP3 framer: one large push is grouped into chunks of whole frames of at least 4 KiB', (t) => {
  const chunks = mp3().push(frames(MP3_128, 45));
  t.deepEqual(
    chunks.map((c) => c.data.length),
    [4170, 4170, 4170, 4170, 2085],
  );
  t.true(chunks.every((c) => c.sync));
});

test('MP3 framer: chunks are views of the input, not copies', (t) => {
  const input = frames(MP3_128, 12);
  const chunks = mp3().push(input);
  t.true(chunks.every((c) => c.data.buffer === input.buffer));
});

test('MP3 framer: audio info comes from the first frame', (t) => {
  const f = mp3();
  f.push(Buffer.concat([frames(MP3_128, 2), frames(MP3_48K, 2)]));
  t.deepEqual(f.audioInfo(), { samplerate: 44100, channels: 2, bitrate: 128 });
  t.is(f.headerPages(), null);
});

test('MP3 framer: a megabyte of random bytes is dropped and never held back', (t) => {
  const f = mp3();
  const input = randomBytes(1 << 20, 42);
  const fed = feed(f, pieces(input, 3, 4096));
  t.is(fed.chunks.length, 0);
  // At most one candidate frame of the largest syntax (ADTS: 8191 bytes) plus a header is held.
  t.true(f.droppedBytes() >= input.length - adtsSyntax.maxFrameSize - adtsSyntax.headerSize);
});

const ADTS = 'fff150802e7ffc'; // 371 bytes
test('ADTS framer: frames are aligned, garbage dropped, info read', (t) => {
  const f = new FrameFramer(adtsSyntax);
  const junk = randomBytes(1000, 9);
  const fed = feed(f, pieces(Buffer.concat([junk, frames(ADTS, 5), junk, frames(ADTS, 5)]), 5, 300));
  t.true(joined(fed.chunks).equals(frames(ADTS, 10)));
  t.is(f.droppedBytes(), 2000);
  t.deepEqual(f.audioInfo(), { samplerate: 44100, channels: 2 });
  t.is(f.codec, 'aac');
});

const mislabelled = test.macro({
  exec(t, contentType: string, headerHex: string, codec: Codec) {
    const f = createFramer(contentType);
    const input = frames(headerHex, 20);
    const fed = feed(f, pieces(input, 8, 500));
    t.true(joined(fed.chunks).equals(input));
    t.is(f.codec, codec);
    t.is(f.droppedBytes(), 0);
  },
  title: (_ = '', contentType: string, _h: string, codec: Codec) => `frames of ${codec} labelled ${contentType} are aligned and reported as ${codec}`,
});
test(mislabelled, 'audio/mpeg', ADTS, 'aac');
test(mislabelled, 'audio/aacp', MP3_128, 'mp3');

const kind = test.macro({
  exec(t, contentType: string, codec: Codec) {
    t.is(createFramer(contentType).codec, codec);
  },
  title: (_ = '', contentType: string, codec: Codec) => `createFramer('${contentType}') → ${codec}`,
});
for (const ct of ['audio/mpeg', 'audio/mp3', 'audio/mpeg3', 'audio/mpeg; charset=utf-8']) test(kind, ct, 'mp3');
for (const ct of ['audio/aac', 'AUDIO/AACP', 'audio/x-aac']) test(kind, ct, 'aac');
for (const ct of ['application/ogg', 'audio/ogg', 'application/x-ogg', 'video/ogg', 'audio/opus']) test(kind, ct, 'ogg');
for (const ct of ['video/webm', 'foo/bar', '']) test(kind, ct, 'other');

test('pass-through framer: every push is one sync chunk, unchanged', (t) => {
  const f = createFramer('video/webm');
  const data = randomBytes(1234, 1);
  t.deepEqual(f.push(data), [{ data, sync: true }]);
  t.deepEqual(f.push(Buffer.alloc(0)), []);
  t.is(f.droppedBytes(), 0);
});
