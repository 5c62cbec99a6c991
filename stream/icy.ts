// ICY in-band metadata (docs/icecast-compatibility.md#icy-metadata): after every `metaint` audio bytes a block is inserted —
// one length byte L, then L×16 bytes of `StreamTitle='…';` NUL-padded; L = 0 means "no change".

/** Icecast's terminator rule: the payload plus one NUL must fit in 255×16 bytes (format_mp3.c). */
const MAX_BLOCK_PAYLOAD = 255 * 16 - 1;
const TITLE_PREFIX = "StreamTitle='";
// Control characters end or confuse the single-line title displays of players.
const CONTROL = /[\x00-\x1f\x7f]/g;

/** The one-byte block meaning "title unchanged"; shared, never written to. */
export const ICY_NO_CHANGE: Buffer = Buffer.from([0]);

/**
 * The metadata block for a title. Like Icecast, the payload is always followed by at least one
 * NUL: L = floor(payload / 16) + 1, so an empty title gives `\x01StreamTitle='';\0` (17 bytes).
 * `'` is not escaped (Icecast does not; players search for `';`). A title too long for 4079 bytes
 * is cut on a UTF-8 character boundary; a URL that leaves no room for the title is left out.
 */
export function icyBlock(title: string, url?: string): Buffer {
  const head = Buffer.from(TITLE_PREFIX + clean(title), 'utf8');
  let tail = url ? Buffer.from(`';StreamUrl='${clean(url)}';`, 'utf8') : Buffer.from("';");
  if (tail.length + TITLE_PREFIX.length > MAX_BLOCK_PAYLOAD) tail = Buffer.from("';");
  let headLength = Math.min(head.length, MAX_BLOCK_PAYLOAD - tail.length);
  // Back up to the first byte of a character: UTF-8 continuation bytes are 10xxxxxx.
  while (headLength < head.length && (head[headLength]! & 0xc0) === 0x80) headLength--;
  const payload = headLength + tail.length;
  const l = Math.floor(payload / 16) + 1;
  const block = Buffer.alloc(1 + l * 16);
  block[0] = l;
  head.copy(block, 1, 0, headLength);
  tail.copy(block, 1 + headLength);
  return block;
}

function clean(s: string): string {
  return s.replace(CONTROL, ' ');
}

function checkMetaint(metaint: number): void {
  if (!Number.isSafeInteger(metaint) || metaint < 1) throw new RangeError(`icy metaint must be a positive integer, got ${metaint}`);
}

/**
 * Inserts metadata blocks into one listener's byte stream. Pure: returns the slices to write,
 * subarrays of the chunk plus block buffers, never copies.
 *
 * "Changed" is tracked by Buffer identity: the mount builds a new block only when its title
 * changes, so the same Buffer object means the same title. The first block a listener gets is
 * always the full current block; afterwards a full block goes out only when the object differs
 * from the last one sent, else ICY_NO_CHANGE. A block is inserted as soon as `metaint` audio bytes
 * have been written, so it never waits for the next chunk.
 */
export class IcyInterleaver {
  readonly metaint: number;
  #untilBlock: number;
  #lastBlock: Buffer | null = null;

  constructor(metaint: number) {
    checkMetaint(metaint);
    this.metaint = metaint;
    this.#untilBlock = metaint;
  }

  write(chunk: Buffer, currentBlock: () => Buffer): Buffer[] {
    if (chunk.length < this.#untilBlock) {
      this.#untilBlock -= chunk.length;
      return chunk.length ? [chunk] : [];
    }
    const out: Buffer[] = [];
    let off = 0;
    while (chunk.length - off >= this.#untilBlock) {
      const end = off + this.#untilBlock;
      out.push(off === 0 && end === chunk.length ? chunk : chunk.subarray(off, end));
      const block = currentBlock();
      out.push(block === this.#lastBlock ? ICY_NO_CHANGE : block);
      this.#lastBlock = block;
      off = end;
      this.#untilBlock = this.metaint;
    }
    if (off < chunk.length) {
      out.push(chunk.subarray(off));
      this.#untilBlock -= chunk.length - off;
    }
    return out;
  }
}

/**
 * Removes the metadata blocks from a stream received with `Icy-MetaData: 1`, across pushes.
 * `titles` lists the title of every full block, in order, repeats included (some servers resend
 * the same title): compare with the current title before acting. Blocks that carry no
 * `StreamTitle` are counted in `malformedBlocks` (Icecast ends a source on those: a wrong metaint
 * turns audio into "metadata").
 */
export class IcyStripper {
  readonly metaint: number;
  malformedBlocks = 0;
  #audioLeft: number;
  #block: Buffer | null = null;
  #blockFill = 0;

  constructor(metaint: number) {
    checkMetaint(metaint);
    this.metaint = metaint;
    this.#audioLeft = metaint;
  }

  push(buf: Buffer): { audio: Buffer[]; titles: string[] } {
    const audio: Buffer[] = [];
    const titles: string[] = [];
    let off = 0;
    while (off < buf.length) {
      if (this.#audioLeft > 0) {
        const n = Math.min(this.#audioLeft, buf.length - off);
        audio.push(n === buf.length ? buf : buf.subarray(off, off + n));
        this.#audioLeft -= n;
        off += n;
      } else if (this.#block === null) {
        const l = buf[off++]!;
        if (l === 0) this.#audioLeft = this.metaint;
        else {
          this.#block = Buffer.alloc(l * 16);
          this.#blockFill = 0;
        }
      } else {
        const n = buf.copy(this.#block, this.#blockFill, off);
        this.#blockFill += n;
        off += n;
        if (this.#blockFill < this.#block.length) continue;
        const meta = parseIcyMetadata(this.#block);
        if (meta.title !== undefined) titles.push(meta.title);
        else if (this.#block.some((b) => b !== 0)) this.malformedBlocks++;
        this.#block = null;
        this.#audioLeft = this.metaint;
      }
    }
    return { audio, titles };
  }
}

/** Strips the blocks out of a whole captured stream. */
export function parseIcyStream(buf: Buffer, metaint: number): { audio: Buffer; titles: string[] } {
  const { audio, titles } = new IcyStripper(metaint).push(buf);
  return { audio: Buffer.concat(audio), titles };
}

/**
 * Reads StreamTitle and StreamUrl from a block payload. A value ends at the `';` that is followed
 * by the end of the payload or by the next `Key='`, so titles containing `'` survive. Payloads
 * that are not valid UTF-8 are read as ISO-8859-1, Icecast's default charset for MP3 mounts.
 */
export function parseIcyMetadata(payload: Buffer): { title?: string; url?: string } {
  let end = payload.indexOf(0);
  if (end < 0) end = payload.length;
  const bytes = payload.subarray(0, end);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  const result: { title?: string; url?: string } = {};
  for (const m of text.matchAll(/(\w+)='(.*?)';(?=$|\w+=')/gs)) {
    if (m[1] === 'StreamTitle') result.title = m[2]!;
    else if (m[1] === 'StreamUrl') result.url = m[2]!;
  }
  return result;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
