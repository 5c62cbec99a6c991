// The one fact of a certificate Node 20's X509Certificate does not expose: its signature
// algorithm. Read straight from the DER: Certificate ::= SEQUENCE { tbsCertificate,
// signatureAlgorithm AlgorithmIdentifier, signatureValue } (RFC 5280 §4.1.1.2), the
// AlgorithmIdentifier starting with the OID (X.690 §8.19). Never throws: a certificate OpenSSL
// accepted but this reader does not follow is shown as "unknown", it is never refused for that.

/** Signature algorithm OIDs by the names OpenSSL prints (RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3). */
const NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

interface Tlv {
  readonly tag: number;
  /** Offset of the contents. */
  readonly start: number;
  readonly end: number;
}

/** The signature algorithm's name, its dotted OID when unnamed, "unknown" when unreadable. */
export function signatureAlgorithmName(der: Buffer): string {
  try {
    const cert = tlv(der, 0);
    const tbs = tlv(der, cert.start);
    const algorithm = tlv(der, tbs.end);
    const oid = tlv(der, algorithm.start);
    if (cert.tag !== 0x30 || tbs.tag !== 0x30 || algorithm.tag !== 0x30 || oid.tag !== 0x06) return 'unknown';
    const dotted = decodeOid(der.subarray(oid.start, oid.end));
    return NAMES[dotted] ?? dotted;
  } catch {
    return 'unknown';
  }
}

/** One tag-length-value at `at` (definite lengths only, as DER requires: X.690 §10.1). */
function tlv(der: Buffer, at: number): Tlv {
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new RangeError('unsupported length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  const end = start + length;
  if (tag === undefined || end > der.length) throw new RangeError('truncated');
  return { tag, start, end };
}

function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) throw new RangeError('empty OID');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}
