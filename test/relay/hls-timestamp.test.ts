// The packed-audio timestamp: the 73-byte ID3 PRIV tag byte for byte (Apple's layout, which VLC
// reads at fixed offsets) and the 33-bit, 90 kHz arithmetic behind it.
import test from 'ava';
import { TIMESTAMP_TAG_SIZE, timestampTag } from '../../relay/hls/id3-timestamp.ts';
import { PTS_MODULO, addTicks, samplesToTicks } from '../../relay/hls/pts.ts';

test('the tag is Apple\'s 73-byte ID3v2.4 PRIV layout', (t) => {
  const tag = timestampTag(0x0d99);
  t.is(tag.length, 73);
  t.is(TIMESTAMP_TAG_SIZE, 73);
  const expected = Buffer.concat([
    Buffer.from('4944330400000000003f', 'hex'), // "ID3" v2.4.0, no flags, syncsafe size 63
    Buffer.from('505249560000003500 00'.replace(/ /g, ''), 'hex'), // "PRIV", size 53, no flags
    Buffer.from('com.apple.streaming.transportStreamTimestamp\0', 'latin1'),
    Buffer.from('0000000000000d99', 'hex'), // the PTS of Apple's bipbop fileSequence0.aac
  ]);
  t.deepEqual(tag, expected);
  t.is(tag.readUInt32BE(14), 53, 'the PRIV payload is 53 bytes (VLC accepts no other)');
});

test('the timestamp is 33 bits, big-endian, upper 31 bits zero', (t) => {
  const table: Array<[number, string]> = [
    [0, '0000000000000000'],
    [90000, '0000000000015f90'],
    [PTS_MODULO - 1, '00000001ffffffff'],
  ];
  for (const [pts, hex] of table) t.is(timestampTag(pts).subarray(65).toString('hex'), hex, `pts ${pts}`);
  for (const bad of [-1, PTS_MODULO, 1.5, Number.NaN]) t.throws(() => timestampTag(bad), { instanceOf: RangeError }, `pts ${bad}`);
});

test('samples become 90 kHz ticks, rounded, exact for huge counts', (t) => {
  const table: Array<[samples: number, rate: number, ticks: number]> = [
    [1152, 44100, 2351], // 2351.02 → 2351
    [1152, 48000, 2160],
    [1024, 44100, 2090], // 2089.80 → 2090
    [576, 22050, 2351],
    [44100, 44100, 90000],
    // A year of 48 kHz samples: the product passes 2^53, BigInt keeps it exact.
    [48000 * 86400 * 365, 48000, 90000 * 86400 * 365],
  ];
  for (const [samples, rate, ticks] of table) t.is(samplesToTicks(samples, rate), ticks, `${samples}@${rate}`);
});

test('the 33-bit clock wraps', (t) => {
  t.is(addTicks(PTS_MODULO - 10, 25), 15);
  t.is(addTicks(5, 0), 5);
  t.is(addTicks(0, PTS_MODULO), 0);
  t.is(addTicks(10, -20), PTS_MODULO - 10);
});
