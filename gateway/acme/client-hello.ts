// Reads the server name (SNI, RFC 6066 §3) and the offered protocols (ALPN, RFC 7301 §3.1) from
// a TLS ClientHello before any TLS library sees it: a TLS-ALPN-01 validator (RFC 8737 §3) must be
// given the challenge certificate, and a certificate is chosen before Node reveals the ALPN list.
// Pure: bytes in, facts out.

export type HelloRead =
  | { readonly kind: 'hello'; readonly servername: string | null; readonly alpn: readonly string[] }
  | { readonly kind: 'more' }
  | { readonly kind: 'not-tls' };

/** The most a ClientHello may take before we give up on it (one TLS record is at most 16 KiB + 5). */
export const MAX_HELLO_BYTES = 16_389;

export function readClientHello(buf: Buffer): HelloRead {
  if (buf.length < 1) return { kind: 'more' };
  if (buf[0] !== 0x16) return { kind: 'not-tls' };
  if (buf.length < 5) return { kind: 'more' };
  const recordLength = buf.readUInt16BE(3);
  if (recordLength > MAX_HELLO_BYTES - 5) return { kind: 'not-tls' };
  if (buf.length < 5 + recordLength) return { kind: 'more' };
  try {
    return parseHandshake(buf.subarray(5, 5 + recordLength));
  } catch {
    return { kind: 'not-tls' };
  }
}

class Reader {
  #at = 0;
  constructor(readonly buf: Buffer) {}
  u8(): number {
    this.need(1);
    return this.buf[this.#at++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.#at);
    this.#at += 2;
    return v;
  }
  u24(): number {
    return (this.u8() << 16) | this.u16();
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return b;
  }
  get left(): number {
    return this.buf.length - this.#at;
  }
  need(n: number): void {
    if (this.left < n) throw new RangeError('truncated');
  }
}

function parseHandshake(body: Buffer): HelloRead {
  const r = new Reader(body);
  if (r.u8() !== 0x01) return { kind: 'not-tls' };
  const length = r.u24();
  // A ClientHello split over several records is legal but never sent by validators; treat the
  // part we have as all there is and fail closed (the connection then gets the normal certificate).
  const hello = new Reader(r.bytes(Math.min(length, r.left)));
  hello.bytes(2 + 32); // legacy_version, random
  hello.bytes(hello.u8()); // legacy_session_id
  hello.bytes(hello.u16()); // cipher_suites
  hello.bytes(hello.u8()); // legacy_compression_methods
  let servername: string | null = null;
  let alpn: string[] = [];
  if (hello.left === 0) return { kind: 'hello', servername, alpn };
  const extensions = new Reader(hello.bytes(hello.u16()));
  while (extensions.left > 0) {
    const type = extensions.u16();
    const data = new Reader(extensions.bytes(extensions.u16()));
    if (type === 0x0000) servername = readServerName(data);
    else if (type === 0x0010) alpn = readAlpn(data);
  }
  return { kind: 'hello', servername, alpn };
}

function readServerName(r: Reader): string | null {
  const list = new Reader(r.bytes(r.u16()));
  while (list.left > 0) {
    const type = list.u8();
    const name = list.bytes(list.u16());
    if (type === 0) return name.toString('ascii');
  }
  return null;
}

function readAlpn(r: Reader): string[] {
  const list = new Reader(r.bytes(r.u16()));
  const out: string[] = [];
  while (list.left > 0) out.push(list.bytes(list.u8()).toString('ascii'));
  return out;
}
