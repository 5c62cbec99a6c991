// A mount's burst in seconds (stream/mount.ts burstPlan, stream/burst.ts): which bitrate it uses
// as a source comes in, and what a new listener receives at once.
import test from 'ava';
import { Writable } from 'node:stream';
import { MountRegistry } from '../../stream/mount-registry.ts';
import { Listener } from '../../stream/listener.ts';
import type { BurstPlan } from '../../stream/burst.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { relayConfig } from '../helpers/relay.ts';

/** MPEG-1 Layer III frames at 44.1 kHz (1152 samples, 26.1 ms each) at 32 kbit/s (bitrate index 1). */
function mp3At32k(seconds: number): Buffer {
  const length = Math.floor((144000 * 32) / 44100);
  const n = Math.ceil((seconds * 44100) / 1152);
  return Buffer.concat(
    Array.from({ length: n }, () => {
      const f = Buffer.alloc(length);
      f.set([0xff, 0xfb, 0x10, 0x44]);
      return f;
    }),
  );
}

interface Row {
  relay?: Record<string, unknown>;
  contentType?: string;
  /** ice-bitrate / ice-audio-info as the source sent it. */
  declared?: number;
  /** Seconds of 32 kbit/s MP3 fed before asking. */
  fed: number;
}

const plans = test.macro({
  exec(t, row: Row, expected: Partial<BurstPlan>) {
    const reg = new MountRegistry(relayConfig(row.relay ?? {}), new FakeClock());
    const admitted = reg.admitSource('/live.mp3', '198.51.100.1');
    if (!admitted.ok) return t.fail(admitted.code);
    const description = { extra: {}, ...(row.declared !== undefined ? { bitrate: row.declared } : {}) };
    const handle = admitted.mount.attachSource({ contentType: row.contentType ?? 'audio/mpeg', ip: '198.51.100.1', userAgent: 'test', description, kind: 'source' });
    if (row.fed > 0) handle.write(mp3At32k(row.fed));
    const plan = admitted.mount.burstPlan();
    t.like(plan, expected);
  },
  title: (title = '') => `the burst plan: ${title}`,
});

test('the source declares 320 kbit/s, under a second fed', plans, { declared: 320, fed: 0.5 }, { basis: 'declared', kbps: 320, bytes: 100000 });
test('the frames measured once a second was seen win over the declaration', plans, { declared: 320, fed: 3 }, { basis: 'measured', bytes: 9954 });
test("the mount's bitrate wins over the source's", plans, { relay: { mounts: { '/live.mp3': { bitrate: 64 } } }, declared: 320, fed: 0.5 }, { basis: 'declared', kbps: 64, bytes: 20000 });
test('nothing declared: the first MP3 frame header', plans, { fed: 0.5 }, { basis: 'declared', kbps: 32, bytes: 10000 });
test('nothing declared, nothing measured (Ogg): 128 kbit/s assumed', plans, { contentType: 'audio/ogg', fed: 0 }, { basis: 'assumed', kbps: 128, bytes: 40000 });
test('burstSeconds 0.5', plans, { relay: { limits: { burstSeconds: 0.5 } }, declared: 320, fed: 0.5 }, { basis: 'declared', bytes: 20000 });
test('an explicit burstSize wins', plans, { relay: { limits: { burstSize: 4096 } }, declared: 320, fed: 3 }, { basis: 'burstSize', bytes: 4096, kbps: null });

class Sink extends Writable {
  received: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error) => void): void {
    this.received.push(chunk);
    cb();
  }
}

test('a listener joining a 32 kbit/s mount gets 2.5 s of it at once, from a frame header', async (t) => {
  const reg = new MountRegistry(relayConfig(), new FakeClock());
  const admitted = reg.admitSource('/live.mp3', '198.51.100.1');
  if (!admitted.ok) return t.fail(admitted.code);
  const mount = admitted.mount;
  const handle = mount.attachSource({ contentType: 'audio/mpeg', ip: '198.51.100.1', userAgent: 'test', description: { extra: {} }, kind: 'source' });
  const data = mp3At32k(10);
  for (let at = 0; at < data.length; at += 1000) handle.write(data.subarray(at, at + 1000));
  mount.flush();
  const sink = new Sink();
  const joined = reg.admitListener('/live.mp3');
  if (!joined.ok) return t.fail(joined.code);
  joined.mount.addListener(new Listener(sink, { id: 1, ip: '192.0.2.1', userAgent: 'test', connectedAt: 0, metaint: null }, '/live.mp3'));
  // The listener writes corked and uncorks on the next tick (stream/listener.ts).
  await new Promise<void>((r) => setImmediate(r));
  const got = Buffer.concat(sink.received);
  const plan = mount.burstPlan();
  t.is(plan.basis, 'measured');
  t.deepEqual([...got.subarray(0, 2)], [0xff, 0xfb], 'starts on a frame header');
  t.true(got.length >= plan.bytes, `${got.length} bytes, at least the ${plan.bytes} planned`);
  // Chunks are coalesced up to 8 KiB (stream/coalescer.ts): at most one more than the plan.
  t.true(got.length < plan.bytes + 8192 + 1000, `${got.length} bytes, not far past the ${plan.bytes} planned`);
});
