// /metrics: Prometheus text from the relay's own registry, collected at scrape time from the
// mounts, behind admin credentials.
import test from 'ava';
import { once } from 'node:events';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { testRelay, until, SECRETS } from '../helpers/relay.ts';
import { openListener, rawRequest, type OpenListener } from '../helpers/listen.ts';
import type { RunningRelay } from '../../relay/start.ts';

const ADMIN = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;

function get(relay: RunningRelay, headers: Record<string, string> = {}): Promise<string> {
  const lines = ['GET /metrics HTTP/1.1', 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return rawRequest(relay.port(), lines.join('\r\n') + '\r\n\r\n').then((b) => b.toString('utf8'));
}

async function scrape(relay: RunningRelay): Promise<string> {
  const reply = await get(relay, { Authorization: ADMIN });
  if (!reply.startsWith('HTTP/1.1 200')) throw new Error(`scrape failed: ${reply.slice(0, 200)}`);
  return reply;
}

/** The value of one sample, e.g. sample(text, 'icegate_listeners', { mount: '/a' }); undefined if absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  const series = want ? `${name}{${want}}` : name;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

test('a live mount: listeners, bytes growing between scrapes, sources, process metrics', async (t) => {
  const relay = await testRelay();
  const mount = '/metrics.mp3';
  const source = startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
  let listener: OpenListener | undefined;
  try {
    await once(relay.ctx.registry, 'source-start');
    listener = openListener({ port: relay.port(), path: mount });
    const m = relay.ctx.registry.get(mount)!;
    await until(() => m.listeners.size === 1 && m.bytesSent > 0, 15000, 'a listener receiving');
    const first = await scrape(relay);
    t.regex(first, /^Content-Type: text\/plain; version=0\.0\.4/m);
    t.is(sample(first, 'icegate_listeners', { mount }), 1);
    t.is(sample(first, 'icegate_listener_peak', { mount }), 1);
    t.is(sample(first, 'icegate_sources'), 1);
    t.is(sample(first, 'icegate_slow_listener_drops_total', { mount }), 0);
    t.is(sample(first, 'icegate_source_reconnects_total', { mount }), 0);
    t.is(sample(first, 'icegate_relay_reconnects_total', { mount }), undefined, 'not a pulled mount');
    t.true((sample(first, 'process_resident_memory_bytes') ?? 0) > 0, 'default process metrics present');
    const sent = m.bytesSent;
    await until(() => m.bytesSent > sent && m.bytesRead > 0, 15000, 'more audio');
    const second = await scrape(relay);
    for (const name of ['icegate_bytes_received_total', 'icegate_bytes_sent_total']) {
      const a = sample(first, name, { mount }) ?? 0;
      const b = sample(second, name, { mount }) ?? 0;
      t.true(a > 0 && b > a, `${name}: ${a} then ${b}`);
    }
  } finally {
    listener?.socket.destroy();
    await stopProcess(source);
    await relay.close();
  }
});

test('a pulled mount reports its reconnection attempts', async (t) => {
  // The upstream has no such mount: every attempt fails and the pull retries with backoff.
  const up = await testRelay({}, { log: () => {} });
  const down = await testRelay({ relays: [{ url: `http://127.0.0.1:${up.port()}/up.mp3`, localMount: '/down.mp3' }] }, { log: () => {} });
  try {
    await until(() => (down.pulls.list()[0]?.stats.reconnects ?? 0) >= 1, 15000, 'a reconnection attempt');
    const text = await scrape(down);
    const reconnects = sample(text, 'icegate_relay_reconnects_total', { mount: '/down.mp3' }) ?? 0;
    t.true(reconnects >= 1 && reconnects <= down.pulls.list()[0]!.stats.reconnects, `${reconnects}`);
  } finally {
    await Promise.all([up.close(), down.close()]);
  }
});

const refused = test.macro(async (t, headers: Record<string, string>, counted: number) => {
  const relay = await testRelay();
  try {
    const reply = await get(relay, headers);
    t.true(reply.startsWith('HTTP/1.0 401 '), reply.slice(0, 80));
    t.regex(reply, /^WWW-Authenticate: Basic realm=/m);
    t.false(reply.includes('icegate_'), 'no metrics in the refusal');
    t.is(sample(await scrape(relay), 'icegate_auth_failures_total', { channel: 'admin' }), counted);
  } finally {
    await relay.close();
  }
});

const basic = (user: string, password: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

test('401 without credentials, not counted as a failed login', refused, {}, 0);
test('401 with a wrong admin password, counted', refused, basic('admin', 'wrong-password'), 1);
test('401 with the source password, counted', refused, basic('source', SECRETS.sourcePassword), 1);

test('each relay in a process has its own registry', async (t) => {
  const [a, b] = await Promise.all([testRelay(), testRelay()]);
  try {
    await get(a, basic('admin', 'wrong-password'));
    t.is(sample(await scrape(a), 'icegate_auth_failures_total', { channel: 'admin' }), 1);
    t.is(sample(await scrape(b), 'icegate_auth_failures_total', { channel: 'admin' }), 0);
    t.is(sample(await scrape(b), 'icegate_auth_failures_total', { channel: 'source' }), 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
