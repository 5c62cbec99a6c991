import test from 'ava';
import { ICY_NO_CHANGE, IcyInterleaver, IcyStripper, icyBlock, parseIcyMetadata, parseIcyStream } from '../../stream/icy.ts';
import { pieces, randomBytes } from './formats-fixtures.ts';

const nul = (n: number): Buffer => Buffer.alloc(n);
const bytes = (...parts: (string | Buffer | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

const block = test.macro({
  exec(t, input: [string, string?], expected: Buffer) {
    t.deepEqual(icyBlock(...input), expected);
  },
  title: (name = '') => `icyBlock: ${name}`,
});

// docs/icecast-compatibility.md#icy-metadata: the exact blocks Icecast 2.4.4 sent.
test('empty title is the 17-byte block Icecast sends', block, [''], bytes([1], "StreamTitle='';", nul(1)));
test('"Artist Ä - Title" has L=3 and 16 NULs', block, ['Artist Ä - Title'], Buffer.concat([Buffer.from([3]), Buffer.from("StreamTitle='Artist \xc3\x84 - Title';", 'latin1'), nul(16)]));
test('a payload of exactly 16 bytes still gets its NUL terminator', block, ['A'], bytes([2], "StreamTitle='A';", nul(16)));
test('ASCII title', block, ['Daft Punk - One More Time'], bytes([3], "StreamTitle='Daft Punk - One More Time';", nul(8)));
test('title and URL', block, ['T', 'http://x/'], bytes([3], "StreamTitle='T';StreamUrl='http://x/';", nul(10)));
test('quotes are not escaped', block, ["Guns N' Roses"], bytes([2], "StreamTitle='Guns N' Roses';", nul(4)));
test('control characters become spaces', block, ['a\r\nb\x00c\x7f', 'u\x1f'], bytes([3], "StreamTitle='a  b c ';StreamUrl='u ';", nul(11)));

test('icyBlock: a long title is cut to the 255×16 limit on a character boundary', (t) => {
  const b = icyBlock('ä'.repeat(3000));
  t.is(b[0], 255);
  t.is(b.length, 1 + 255 * 16);
  const payload = b.subarray(1, b.indexOf(0, 1));
  t.true(payload.length <= 255 * 16 - 1);
  t.true(payload.toString('latin1').endsWith("';"));
  // A split code point would make this throw.
  const text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  t.regex(text, /^StreamTitle='(ä)+';$/);
});

test('icyBlock: a URL that leaves no room for the title is left out', (t) => {
  const b = icyBlock('Title', `http://${'x'.repeat(5000)}`);
  t.deepEqual(b, icyBlock('Title'));
});

/** Reads an interleaved stream back with the block positions it must have: every `metaint` bytes. */
function splitStream(out: Buffer, metaint: number): { audio: Buffer; blocks: Buffer[] } {
  const audio: Buffer[] = [];
  const blocks: Buffer[] = [];
  for (let off = 0; off < out.length; ) {
    audio.push(out.subarray(off, off + metaint));
    off += metaint;
    if (off >= out.length) break;
    const len = 1 + out[off]! * 16;
    blocks.push(out.subarray(off, off + len));
    off += len;
  }
  return { audio: Buffer.concat(audio), blocks };
}

const interleave = test.macro({
  exec(t, metaint: number, sizes: number[]) {
    const icy = new IcyInterleaver(metaint);
    const first = icyBlock('First');
    const second = icyBlock('Second');
    let current = first;
    const audio = randomBytes(sizes.reduce((a, b) => a + b, 0), metaint);
    const out: Buffer[] = [];
    let off = 0;
    let changedAt = Infinity;
    for (const [i, size] of sizes.entries()) {
      const chunk = audio.subarray(off, off + size);
      off += size;
      const slices = icy.write(chunk, () => current);
      for (const s of slices) if (s !== first && s !== second && s !== ICY_NO_CHANGE) t.is(s.buffer, chunk.buffer, 'audio slices are views');
      out.push(...slices);
      if (i === Math.floor(sizes.length / 2)) [current, changedAt] = [second, off];
    }
    const { audio: back, blocks } = splitStream(Buffer.concat(out), metaint);
    t.true(back.equals(audio));
    // The block after audio byte k·metaint is the title current then, sent in full only when it
    // differs from the previous one.
    const expected = blocks.map((_, i) => {
      const due = (i + 1) * metaint;
      if (i === 0) return due > changedAt ? second : first;
      return due > changedAt && i * metaint <= changedAt ? second : ICY_NO_CHANGE;
    });
    t.deepEqual(blocks, expected);
    t.is(blocks.length, Math.floor(audio.length / metaint));
  },
  title: (_ = '', metaint: number, sizes: number[]) => `IcyInterleaver: metaint ${metaint}, chunks of ${sizes.join('/')}`,
});

test(interleave, 16, [5, 20, 11, 0, 16, 40, 3, 13, 32]);
test(interleave, 16, [16, 16, 16, 16, 16, 16]);
test(interleave, 16, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
test(interleave, 100, [1000, 7, 350, 2000]);
test(interleave, 16000, [4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096]);

test('IcyInterleaver: the block goes out as soon as metaint bytes are written', (t) => {
  const icy = new IcyInterleaver(8);
  const b = icyBlock('X');
  const chunk = Buffer.alloc(8, 1);
  t.deepEqual(icy.write(chunk, () => b), [chunk, b]);
  t.deepEqual(icy.write(chunk, () => b), [chunk, ICY_NO_CHANGE]);
  t.deepEqual(icy.write(Buffer.alloc(0), () => b), []);
});

test('IcyInterleaver: the block builder is consulted only when a block is due', (t) => {
  const icy = new IcyInterleaver(1000);
  let calls = 0;
  icy.write(Buffer.alloc(999), () => (calls++, ICY_NO_CHANGE));
  t.is(calls, 0);
  icy.write(Buffer.alloc(1), () => (calls++, icyBlock('')));
  t.is(calls, 1);
});

for (const bad of [0, -1, 1.5, Number.NaN]) {
  test(`IcyInterleaver and IcyStripper reject metaint ${bad}`, (t) => {
    t.throws(() => new IcyInterleaver(bad), { instanceOf: RangeError });
    t.throws(() => new IcyStripper(bad), { instanceOf: RangeError });
  });
}

/** An interleaved stream with three titles, as a listener receives it. */
function captured(metaint: number): { audio: Buffer; stream: Buffer; titles: string[] } {
  const icy = new IcyInterleaver(metaint);
  const titles = ['One', 'Zwei – Ä', "It's 'quoted';"];
  const audio = randomBytes(metaint * 12 + 77, 5);
  const out: Buffer[] = [];
  for (const [i, chunk] of pieces(audio, 9, metaint).entries()) {
    out.push(...icy.write(chunk, () => blocks[Math.min(2, Math.floor(i / 8))]!));
  }
  return { audio, stream: Buffer.concat(out), titles };
}
const blocks = ['One', 'Zwei – Ä', "It's 'quoted';"].map((title) => icyBlock(title));

test('parseIcyStream strips what IcyInterleaver inserted', (t) => {
  const { audio, stream, titles } = captured(100);
  const parsed = parseIcyStream(stream, 100);
  t.true(parsed.audio.equals(audio));
  t.deepEqual(parsed.titles, titles);
});

const stripper = test.macro({
  exec(t, maxPiece: number) {
    const { audio, stream, titles } = captured(64);
    const s = new IcyStripper(64);
    const got = { audio: [] as Buffer[], titles: [] as string[] };
    for (const piece of pieces(stream, 4, maxPiece)) {
      const r = s.push(piece);
      got.audio.push(...r.audio);
      got.titles.push(...r.titles);
    }
    t.true(Buffer.concat(got.audio).equals(audio));
    t.deepEqual(got.titles, titles);
    t.is(s.malformedBlocks, 0);
  },
  title: (_ = '', maxPiece: number) => `IcyStripper: blocks split across pushes of up to ${maxPiece} bytes`,
});
test(stripper, 1);
test(stripper, 7);
test(stripper, 500);

test('IcyStripper: a block without StreamTitle is counted as malformed', (t) => {
  const s = new IcyStripper(4);
  const r = s.push(bytes('abcd', [1], 'garbage garbage!', 'efgh', [0], 'ij'));
  t.deepEqual(Buffer.concat(r.audio).toString(), 'abcdefghij');
  t.deepEqual(r.titles, []);
  t.is(s.malformedBlocks, 1);
});

const metadata = test.macro({
  exec(t, payload: Buffer, expected: { title?: string; url?: string }) {
    t.deepEqual(parseIcyMetadata(payload), expected);
  },
  title: (name = '') => `parseIcyMetadata: ${name}`,
});
test('title and URL', metadata, bytes("StreamTitle='A - B';StreamUrl='http://x';", nul(5)), { title: 'A - B', url: 'http://x' });
test("a title containing ';", metadata, bytes("StreamTitle='a';b';", nul(3)), { title: "a';b" });
test('an empty title', metadata, bytes("StreamTitle='';", nul(1)), { title: '' });
test('ISO-8859-1 bytes when not UTF-8', metadata, bytes("StreamTitle='Caf", [0xe9], "';"), { title: 'Café' });
test('no StreamTitle', metadata, bytes('hello'), {});
