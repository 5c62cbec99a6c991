// Shared inputs for the framer tests: real encoder output, seeded random splitting, Ogg page
// building and a decoder check.
import { execFile, spawn } from 'node:child_process';
import type { Chunk, Framer } from '../../stream/types.ts';
import { oggPageCrc } from '../../stream/formats/ogg-page.ts';
import { FFMPEG } from '../helpers/ffmpeg.ts';

/** mulberry32: a small seeded PRNG, so a failing split can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(n: number, seed: number): Buffer {
  const rnd = prng(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/** Cuts `buf` into pieces of 1..max bytes. */
export function pieces(buf: Buffer, seed: number, max = 5000): Buffer[] {
  const rnd = prng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; ) {
    const n = 1 + Math.floor(rnd() * max);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

export interface Fed {
  chunks: Chunk[];
  /** headerGeneration() after the push that returned each chunk. */
  generations: number[];
  /** headerPages() by generation, as seen after each push. */
  headers: Map<number, Buffer | null>;
}

/** Feeds pieces the way a mount does; a final empty push drains what a chained link held back. */
export function feed(framer: Framer, input: Buffer[]): Fed {
  const fed: Fed = { chunks: [], generations: [], headers: new Map() };
  for (const piece of [...input, Buffer.alloc(0)]) {
    const chunks = framer.push(piece);
    const gen = framer.headerGeneration();
    fed.headers.set(gen, framer.headerPages());
    for (const c of chunks) {
      fed.chunks.push(c);
      fed.generations.push(gen);
    }
  }
  return fed;
}

export type EncoderName = 'mp3' | 'aac' | 'opus' | 'vorbis';

const ENCODERS: Record<EncoderName, { args: string[]; contentType: string }> = {
  mp3: { args: ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'], contentType: 'audio/mpeg' },
  aac: { args: ['-c:a', 'aac', '-b:a', '96k', '-f', 'adts'], contentType: 'audio/aac' },
  // Quarter-second pages (ffmpeg's default is one second) give the tests more pages to cut at.
  opus: { args: ['-c:a', 'libopus', '-b:a', '64k', '-page_duration', '250000', '-f', 'ogg'], contentType: 'audio/ogg' },
  vorbis: { args: ['-c:a', 'libvorbis', '-q:a', '4', '-page_duration', '250000', '-f', 'ogg'], contentType: 'application/ogg' },
};

export function contentTypeOf(name: EncoderName): string {
  return ENCODERS[name].contentType;
}

const encoded = new Map<string, Promise<Buffer>>();

/** A stereo sine tone encoded by ffmpeg (memoised per process). */
export function encode(name: EncoderName, o: { seconds?: number; frequency?: number; extra?: string[] } = {}): Promise<Buffer> {
  const source = `sine=frequency=${o.frequency ?? 440}:sample_rate=44100:duration=${o.seconds ?? 6}`;
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', source, '-ac', '2'];
  args.push(...(o.extra ?? []), ...ENCODERS[name].args, 'pipe:1');
  const key = args.join(' ');
  let p = encoded.get(key);
  if (!p) {
    p = new Promise((resolve, reject) => {
      execFile(FFMPEG, args, { encoding: 'buffer', maxBuffer: 1 << 26 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    encoded.set(key, p);
  }
  return p;
}

/** Decodes with `ffmpeg -v error -i pipe:0 -f null -`: exit code and whatever it printed. */
export function decode(data: Buffer): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(FFMPEG, ['-hide_banner', '-nostdin', '-v', 'error', '-i', 'pipe:0', '-f', 'null', '-']);
    let stderr = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.stdin.on('error', () => {});
    p.stdin.end(data);
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

export interface PageSpec {
  serial: number;
  seq: number;
  flags?: number;
  granule?: bigint;
  /** Lacing values; the body is their sum of bytes taken from `body` or filled with `fill`. */
  lacing: number[];
  body?: Buffer;
  fill?: number;
}

/** Builds one Ogg page with a correct CRC. */
export function oggPage(s: PageSpec): Buffer {
  const bodyLength = s.lacing.reduce((a, b) => a + b, 0);
  const body = s.body ?? Buffer.alloc(bodyLength, s.fill ?? 0x55);
  if (body.length !== bodyLength) throw new Error('body length does not match lacing');
  const page = Buffer.alloc(27 + s.lacing.length + bodyLength);
  page.write('OggS', 0, 'latin1');
  page[5] = s.flags ?? 0;
  page.writeBigInt64LE(s.granule ?? 0n, 6);
  page.writeUInt32LE(s.serial, 14);
  page.writeUInt32LE(s.seq, 18);
  page[26] = s.lacing.length;
  Buffer.from(s.lacing).copy(page, 27);
  body.copy(page, 27 + s.lacing.length);
  page.writeUInt32LE(oggPageCrc(page), 22);
  return page;
}

/** Lacing values for one packet of `n` bytes that ends in this page. */
export function lace(n: number): number[] {
  return [...Array<number>(Math.floor(n / 255)).fill(255), n % 255];
}

/** Page boundaries of a well-formed Ogg stream, read from the headers alone (no CRC check). */
export function oggPages(buf: Buffer): { offset: number; length: number; serial: number; flags: number }[] {
  const pages = [];
  for (let off = 0; off + 27 <= buf.length; ) {
    const segments = buf[off + 26]!;
    let length = 27 + segments;
    for (let i = 0; i < segments; i++) length += buf[off + 27 + i]!;
    pages.push({ offset: off, length, serial: buf.readUInt32LE(off + 14), flags: buf[off + 5]! });
    off += length;
  }
  return pages;
}
