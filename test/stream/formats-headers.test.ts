import test from 'ava';
import { parseAdtsHeader } from '../../stream/formats/adts.ts';
import { id3v2Length } from '../../stream/formats/id3.ts';
import { parseMpegHeader } from '../../stream/formats/mpeg.ts';

const mpeg = test.macro({
  exec(t, hex: string, expected: Record<string, number | undefined> | null) {
    const h = parseMpegHeader(Buffer.from(hex, 'hex'), 0);
    if (expected === null) t.is(h, null);
    else t.like(h, expected);
  },
  title: (name = '') => `MPEG audio header: ${name}`,
});

test('MPEG-1 Layer III 128k 44.1 kHz joint stereo', mpeg, 'fffb9064', { version: 1, layer: 3, bitrate: 128, samplerate: 44100, channels: 2, length: 417 });
test('MPEG-1 Layer III 128k 44.1 kHz padded', mpeg, 'fffb9264', { length: 418 });
test('MPEG-1 Layer III mono', mpeg, 'fffb90c4', { channels: 1 });
test('MPEG-1 Layer III 320k 48 kHz', mpeg, 'fffbe464', { bitrate: 320, samplerate: 48000, length: 960 });
test('MPEG-1 Layer II 192k 48 kHz', mpeg, 'fffda404', { layer: 2, bitrate: 192, samplerate: 48000, length: 576 });
test('MPEG-1 Layer I 384k 44.1 kHz', mpeg, 'ffffc000', { layer: 1, bitrate: 384, length: 416 });
test('MPEG-1 Layer I padded adds one 4-byte slot', mpeg, 'ffffc200', { length: 420 });
test('MPEG-2 Layer III 64k 22.05 kHz', mpeg, 'fff38064', { version: 2, layer: 3, bitrate: 64, samplerate: 22050, length: 208 });
test('MPEG-2 Layer III with CRC (protection bit 0)', mpeg, 'fff28064', { version: 2, length: 208 });
test('MPEG-2.5 Layer III 8k 8 kHz', mpeg, 'ffe318c4', { version: 2.5, bitrate: 8, samplerate: 8000, channels: 1, length: 72 });
test('bitrate index 15 is rejected', mpeg, 'fffbf064', null);
test('free format (bitrate index 0) is rejected', mpeg, 'fffb0064', null);
test('reserved version 01 is rejected', mpeg, 'ffeb9064', null);
test('reserved layer 00 is rejected', mpeg, 'fff99064', null);
test('reserved samplerate index 3 is rejected', mpeg, 'fffb9c64', null);
test('reserved emphasis 10 is rejected', mpeg, 'fffb9066', null);
test('11 sync bits are required', mpeg, 'ffdb9064', null);
test('a header cut short is rejected', mpeg, 'fffb90', null);

const adts = test.macro({
  exec(t, hex: string, expected: Record<string, number | undefined> | null) {
    const h = parseAdtsHeader(Buffer.from(hex, 'hex'), 0);
    if (expected === null) t.is(h, null);
    else t.like(h, expected);
  },
  title: (name = '') => `ADTS header: ${name}`,
});

// 371 = 0b0000101110011: b3 low bits 00, b4 0x2e, b5 0x60 | buffer fullness bits.
test('MPEG-4 AAC LC 44.1 kHz stereo, 371 bytes', adts, 'fff150802e7ffc', { profile: 1, samplerate: 44100, channels: 2, length: 371 });
test('MPEG-2 ID bit, 48 kHz mono', adts, 'fff94c402e7ffc', { samplerate: 48000, channels: 1, length: 371 });
test('channel configuration 7 is 8 channels', adts, 'fff151c02e7ffc', { channels: 8 });
test('channel configuration 0 leaves channels unknown', adts, 'fff150002e7ffc', { channels: undefined });
test('longest frame (13 bits)', adts, 'fff15083fffffc', { length: 8191 });
test('layer other than 00 is rejected', adts, 'fff350802e7ffc', null);
test('samplerate index 13 is rejected', adts, 'fff174802e7ffc', null);
test('frame length not above the header is rejected', adts, 'fff1508000fffc', null);
test('frame length 9 with CRC present is rejected', adts, 'fff05080013ffc', null);
test('a header cut short is rejected', adts, 'fff150802e7f', null);

const id3 = test.macro({
  exec(t, hex: string, expected: number | 'need' | null) {
    t.is(id3v2Length(Buffer.from(hex, 'hex'), 0), expected);
  },
  title: (name = '') => `ID3v2 tag length: ${name}`,
});

test('syncsafe size 0x0101 = 129 + 10 header bytes', id3, '49443304000000000101', 139);
test('footer flag adds 10 bytes', id3, '49443304001000000001', 21);
test('incomplete header needs more bytes', id3, '494433040000', 'need');
test('a lone "I" may begin a tag', id3, '49', 'need');
test('size bytes with the top bit set are not a tag', id3, '49443304000000008001', null);
test('version 0xFF is not a tag', id3, '494433ff000000000001', null);
test('other bytes are not a tag', id3, '49443404000000000000', null);
