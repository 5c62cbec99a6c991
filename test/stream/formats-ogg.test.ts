import test from 'ava';
import { MAX_HEADER_BYTES, OggFramer } from '../../stream/formats/ogg-framer.ts';
import { FLAG_BOS, FLAG_CONTINUED, oggPageCrc, readOggPage } from '../../stream/formats/ogg-page.ts';
import { encode, feed, lace, oggPage, oggPages, pieces, randomBytes } from './formats-fixtures.ts';

function vorbisId(channels: number, rate: number): Buffer {
  const p = Buffer.alloc(30);
  p.write('\x01vorbis', 0, 'latin1');
  p[11] = channels;
  p.writeUInt32LE(rate, 12);
  p[29] = 1;
  return p;
}
function opusHead(channels: number, inputRate: number): Buffer {
  const p = Buffer.alloc(19);
  p.write('OpusHead', 0, 'latin1');
  p[8] = 1;
  p[9] = channels;
  p.writeUInt32LE(inputRate, 12);
  return p;
}

/** A Vorbis link whose comment packet (600 bytes) spans two pages, followed by `audio` pages. */
function vorbisLink(serial: number, audio = 3): { headers: Buffer[]; audio: Buffer[] } {
  const headers = [
    oggPage({ serial, seq: 0, flags: FLAG_BOS, lacing: [30], body: vorbisId(2, 44100) }),
    oggPage({ serial, seq: 1, lacing: [255, 255] }),
    oggPage({ serial, seq: 2, flags: FLAG_CONTINUED, lacing: [90, ...lace(300)] }),
  ];
  return { headers, audio: audioPages(serial, 3, audio) };
}
function audioPages(serial: number, firstSeq: number, n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) =>
    oggPage({ serial, seq: firstSeq + i, granule: BigInt(1024 * (i + 1)), lacing: [100, 100], fill: i }),
  );
}
const cat = (bufs: Buffer[]): Buffer => Buffer.concat(bufs);
const joined = (chunks: { data: Buffer }[]): Buffer => cat(chunks.map((c) => c.data));

test('Ogg CRC: pages written by ffmpeg verify, and one flipped bit fails', async (t) => {
  const input = await encode('vorbis', { seconds: 1 });
  const pages = oggPages(input);
  t.true(pages.length >= 3);
  for (const p of pages) {
    const page = input.subarray(p.offset, p.offset + p.length);
    t.is(oggPageCrc(page), page.readUInt32LE(22));
    const flipped = Buffer.from(page);
    flipped[flipped.length - 1]! ^= 0x10;
    t.is(readOggPage(flipped, 0), 'bad');
  }
});

test('Ogg framer: header packets spanning pages complete the header set on the page that ends them', (t) => {
  const f = new OggFramer();
  const link = vorbisLink(7);
  const generations = link.headers.map((page) => (f.push(page), f.headerGeneration()));
  t.deepEqual(generations, [0, 0, 1]);
  t.true(f.headerPages()!.equals(cat(link.headers)));
  t.is(f.codec, 'vorbis');
  t.deepEqual(f.audioInfo(), { samplerate: 44100, channels: 2 });
  const chunks = f.push(cat(link.audio));
  t.deepEqual(chunks, [{ data: chunks[0]!.data, sync: true }]);
  t.true(joined(chunks).equals(cat(link.audio)));
});

const opus = test.macro({
  exec(t, inputRate: number, samplerate: number) {
    const f = new OggFramer();
    f.push(oggPage({ serial: 1, seq: 0, flags: FLAG_BOS, lacing: [19], body: opusHead(2, inputRate) }));
    f.push(oggPage({ serial: 1, seq: 1, lacing: [40] }));
    t.is(f.codec, 'opus');
    t.is(f.headerGeneration(), 1);
    t.deepEqual(f.audioInfo(), { samplerate, channels: 2 });
  },
  title: (_ = '', inputRate: number, samplerate: number) => `Ogg framer: OpusHead input rate ${inputRate} → samplerate ${samplerate}`,
});
test(opus, 44100, 44100);
test(opus, 0, 48000);

test('Ogg framer: an unknown codec keeps its BOS pages only, complete at the first page after them', (t) => {
  const f = new OggFramer();
  const bos = oggPage({ serial: 3, seq: 0, flags: FLAG_BOS, lacing: [51], body: Buffer.from('\x7fFLAC'.padEnd(51, '\0'), 'latin1') });
  t.deepEqual(f.push(bos), []);
  t.is(f.headerGeneration(), 0);
  const rest = audioPages(3, 1, 2);
  t.true(joined(f.push(cat(rest))).equals(cat(rest)));
  t.is(f.codec, 'ogg');
  t.true(f.headerPages()!.equals(bos));
});

test('Ogg framer: a grouped link (two BOS pages) keeps both BOS pages first', (t) => {
  const f = new OggFramer();
  const vorbis = vorbisLink(1);
  const other = oggPage({ serial: 2, seq: 0, flags: FLAG_BOS, lacing: [20] });
  const fed = feed(f, [vorbis.headers[0]!, other, ...vorbis.headers.slice(1), ...vorbis.audio]);
  t.true(f.headerPages()!.equals(cat([vorbis.headers[0]!, other, ...vorbis.headers.slice(1)])));
  t.is(f.codec, 'vorbis');
  t.true(joined(fed.chunks).equals(cat(vorbis.audio)));
});

const dropping = test.macro({
  exec(t, input: Buffer[], expectedAudio: Buffer[], dropped: number) {
    const f = new OggFramer();
    const fed = feed(f, pieces(cat(input), 11, 150));
    t.true(joined(fed.chunks).equals(cat(expectedAudio)));
    t.is(f.droppedBytes(), dropped);
  },
  title: (name = '') => `Ogg framer: ${name}`,
});

const link = vorbisLink(9, 4);
const corrupt = Buffer.from(link.audio[1]!);
corrupt[40]! ^= 1;
test('a page with a bad CRC is dropped, its neighbours kept', dropping, [...link.headers, link.audio[0]!, corrupt, ...link.audio.slice(2)], [link.audio[0]!, ...link.audio.slice(2)], corrupt.length);

const stray = audioPages(5, 40, 2);
test('pages before the first BOS page are dropped', dropping, [...stray, ...link.headers, ...link.audio], link.audio, stray[0]!.length * 2);
test('pages of a logical stream not in the link are dropped', dropping, [...link.headers, link.audio[0]!, ...stray, ...link.audio.slice(1)], link.audio, stray[0]!.length * 2);

// A capture pattern with an empty segment table: a complete "page" whose CRC fails.
const junk = Buffer.concat([randomBytes(500, 1), Buffer.from('OggS'), Buffer.alloc(23), randomBytes(500, 2)]);
test('garbage between pages is dropped', dropping, [...link.headers, link.audio[0]!, junk, ...link.audio.slice(1)], link.audio, junk.length);

// A false header announcing the largest page: its CRC can be checked only once 65 307 bytes are
// in, so the real pages behind it wait until then — and no longer (libogg behaves the same).
const falsePage = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(22), Buffer.from([255]), Buffer.alloc(255, 255)]);
const many = audioPages(9, 4, 300);
test('a false page header delays the pages behind it until its CRC can be checked', dropping, [...link.headers, falsePage, ...many], many, falsePage.length);

const unfinished = vorbisLink(4).headers.slice(0, 2);
test('an unfinished header set is dropped when a new link starts', dropping, [...unfinished, ...link.headers, ...link.audio], link.audio, unfinished[0]!.length + unfinished[1]!.length);

test('Ogg framer: header pages past the limit abandon the link until the next BOS page', (t) => {
  const f = new OggFramer();
  const huge = [vorbisLink(1).headers[0]!];
  for (let seq = 1; huge.reduce((n, p) => n + p.length, 0) <= MAX_HEADER_BYTES; seq++) {
    huge.push(oggPage({ serial: 1, seq, flags: seq > 1 ? FLAG_CONTINUED : 0, lacing: Array<number>(255).fill(255) }));
  }
  const orphans = audioPages(1, 100, 2);
  const fed = feed(f, pieces(cat([...huge, ...orphans, ...link.headers, ...link.audio]), 3, 20000));
  t.is(f.headerGeneration(), 1);
  t.true(f.headerPages()!.equals(cat(link.headers)));
  t.true(joined(fed.chunks).equals(cat(link.audio)));
  t.is(f.droppedBytes(), cat([...huge, ...orphans]).length);
});

test('Ogg framer: 200 KB of random bytes are dropped and never held back', (t) => {
  const f = new OggFramer();
  const fed = feed(f, pieces(randomBytes(200_000, 5), 6, 4096));
  t.is(fed.chunks.length, 0);
  t.true(f.droppedBytes() >= 200_000 - 3);
});

test('Ogg framer: a push that reaches a new link returns only the old link audio; the next push the new', (t) => {
  const f = new OggFramer();
  const a = vorbisLink(1, 2);
  const b = vorbisLink(2, 2);
  const first = f.push(cat([...a.headers, ...a.audio, ...b.headers, ...b.audio]));
  t.is(f.headerGeneration(), 1);
  t.true(f.headerPages()!.equals(cat(a.headers)));
  t.true(joined(first).equals(cat(a.audio)));
  const second = f.push(Buffer.alloc(0));
  t.is(f.headerGeneration(), 2);
  t.true(f.headerPages()!.equals(cat(b.headers)));
  t.true(joined(second).equals(cat(b.audio)));
  t.is(f.droppedBytes(), 0);
});
