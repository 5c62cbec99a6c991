// The gateways' holds across relay restarts in the relay's /metrics: each gateway sends its
// figures with its edge reports (contracts/edge.ts edgeHoldFigures, gateway/hold/stats.ts), and
// they are shown labelled {gateway} with the id of that gateway process, so a counter only grows
// within one series even though this relay may be newer than the figures.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RelayContext } from '../../stream/context.ts';
import type { EdgeHoldFigures } from '../../contracts/edge.ts';
import { edgeHubOf } from '../edge/hub.ts';

interface HoldMetric {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  /** Extra labels and the value, per gateway. */
  values: (f: EdgeHoldFigures) => { labels?: Record<string, string>; value: number }[];
}

export const HOLD_METRICS: readonly HoldMetric[] = [
  { name: 'icegate_gateway_sources_held', type: 'gauge', help: 'Sources the gateway holds now: their relay connection broke and it is reconnecting them.', values: (f) => [{ value: f.sourcesHeld }] },
  { name: 'icegate_gateway_players_held', type: 'gauge', help: 'Players the gateway holds now: the pull of their mount broke and it is reconnecting.', values: (f) => [{ value: f.playersHeld }] },
  {
    name: 'icegate_gateway_holds_total',
    type: 'counter',
    help: 'Holds across relay restarts since the gateway started, by role (one per player per break).',
    values: (f) => [
      { labels: { role: 'source' }, value: f.sourceHolds },
      { labels: { role: 'player' }, value: f.playerHolds },
    ],
  },
  {
    name: 'icegate_gateway_hold_seconds_total',
    type: 'counter',
    help: 'Time spent held, by role (players: the gaps they heard, summed over players).',
    values: (f) => [
      { labels: { role: 'source' }, value: f.sourceHoldMs / 1000 },
      { labels: { role: 'player' }, value: f.playerHoldMs / 1000 },
    ],
  },
  { name: 'icegate_gateway_hold_bytes_dropped_total', type: 'counter', help: 'Audio the bounded hold buffers dropped (oldest first) while sources were held.', values: (f) => [{ value: f.bytesDropped }] },
  { name: 'icegate_gateway_source_takeovers_total', type: 'counter', help: "Sources of the gateway whose mount a new connection took over (the relay's count starts again when it restarts; this one does not).", values: (f) => [{ value: f.takeovers }] },
];

export function registerHoldMetrics(ctx: RelayContext, registers: Registry[]): void {
  for (const m of HOLD_METRICS) {
    const labelNames = ['gateway', 'role'];
    const collect = function (this: Gauge | Counter): void {
      this.reset();
      for (const { gateway, figures } of edgeHubOf(ctx)?.holdFigures() ?? []) {
        for (const v of m.values(figures)) {
          const labels = { gateway, ...v.labels };
          if (this instanceof Gauge) this.set(labels, v.value);
          else this.inc(labels, v.value);
        }
      }
    };
    if (m.type === 'gauge') new Gauge({ name: m.name, help: m.help, labelNames, registers, collect });
    else new Counter({ name: m.name, help: m.help, labelNames, registers, collect });
  }
}
