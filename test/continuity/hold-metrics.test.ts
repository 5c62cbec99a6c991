// The gateway's hold figures reach the relay's /metrics over the edge channel
// (gateway/edge/report.ts, relay/metrics/hold.ts): sent when they change, even with no listener
// change to report (the reporter's next tick, every 5 s), and labelled with the gateway's id.
import test from 'ava';
import { testRelay, SECRETS } from '../helpers/relay.ts';
import { testGateway } from '../gateway/server-harness.ts';

const AUTH = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;

function value(text: string, name: string, role?: string): number {
  const labels = role ? `gateway="[^"]+",role="${role}"` : 'gateway="[^"]+"';
  return Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

test('hold figures in /metrics, updated when they change', async (t) => {
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const { gw } = await testGateway(t, relay.port(), { upstreamAuth: { username: 'admin', password: SECRETS.adminPassword } });
  let text = '';
  const scrape = async (): Promise<string> => (text = await (await fetch(`http://127.0.0.1:${relay.port()}/metrics`, { headers: { authorization: AUTH } })).text());
  const scrapedUntil = async (check: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while ((await scrape(), !check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${text.split('\n').filter((l) => l.startsWith('icegate_gateway')).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await scrapedUntil(() => value(text, 'icegate_gateway_sources_held') === 0, 'the first report');
  // Two sources held, one resumed after 1.5 s, some audio dropped, a takeover.
  gw.hold.sourceHeld();
  gw.hold.sourceHeld();
  gw.hold.sourceDone(1500, 'resumed');
  gw.hold.playersHeldNow(3);
  gw.hold.dropped(4096);
  gw.hold.takenOver('/live.mp3', Date.now());
  await scrapedUntil(() => value(text, 'icegate_gateway_source_takeovers_total') === 1, 'the new figures');
  const rows = [
    ['icegate_gateway_sources_held', undefined, 1],
    ['icegate_gateway_players_held', undefined, 3],
    ['icegate_gateway_holds_total', 'source', 2],
    ['icegate_gateway_holds_total', 'player', 3],
    ['icegate_gateway_hold_seconds_total', 'source', 1.5],
    ['icegate_gateway_hold_bytes_dropped_total', undefined, 4096],
  ] as const;
  for (const [name, role, want] of rows) t.is(value(text, name, role), want, `${name}${role ? `{role=${role}}` : ''}`);
});
