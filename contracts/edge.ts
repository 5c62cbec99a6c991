// The channel between a gateway's edge and the relay core (docs/gateway-security.md#listener-fan-out-at-the-edge: the relay still knows every
// real listener, the gateway reports them). Both ends import this file, so the two halves cannot
// drift apart. Everything lives under /admin, which the gateway's listener ports refuse in every
// spelling (policies/classify.ts) and the relay reserves (reserved-paths.ts); the relay user or
// the admin user may use it.
//
// - GET  /admin/edge/commands?gateway=ID   text/event-stream: the relay's commands to that gateway
//   (kick, move), one JSON object per `data:` line, and a comment line as keep-alive.
// - POST /admin/edge/report?gateway=ID     application/json: the gateway's listener changes; the
//   answer carries the relay's admission figures (listeners elsewhere, limits).
// - Every pull of the edge carries `X-Icegate-Edge: ID` with the same credentials: the relay does
//   not count it as a listener (its listeners are the ones reported).
import { z } from 'zod';
import { mountName } from '../config/schema.ts';

export const EDGE_COMMANDS_PATH = '/admin/edge/commands';
export const EDGE_REPORT_PATH = '/admin/edge/report';
/** Sent with every pull of a gateway's edge; its value is the gateway's id. */
export const EDGE_PULL_HEADER = 'x-icegate-edge';
/** One gateway process: random per start, so a restarted gateway is a new one. */
export const gatewayId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** A full report of 5000 listeners is about 1 MB of JSON; far more is not a report. */
export const MAX_REPORT_BYTES = 16 * 1024 * 1024;
/** The relay sends a comment this often, so a gateway notices a dead channel within a few. */
export const KEEPALIVE_MS = 15_000;

const listenerId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(1024);

/** A listener as the edge serves it; `id` is the edge's own, the relay maps it into its id space. */
export const edgeListener = z
  .object({
    id: listenerId,
    mount: mountName,
    ip: z.string().max(64),
    userAgent: text,
    auth: z.string().max(32),
    username: text.optional(),
    /** The link (contracts/links.ts) the listener came with. */
    linkId: z.string().regex(/^[A-Za-z0-9_-]{22}$/).optional(),
    connectedAt: count,
    bytesSent: count,
  })
  .strict();
export type EdgeListener = z.infer<typeof edgeListener>;

export const edgeUpdate = z.object({ id: listenerId, mount: mountName, bytesSent: count }).strict();
export type EdgeUpdate = z.infer<typeof edgeUpdate>;

/**
 * What the gateway's holds did since it started (gateway/hold/stats.ts), sent with its reports
 * when it changed, so the relay's /metrics shows them; counters only grow within one gateway id.
 */
export const edgeHoldFigures = z
  .object({
    sourcesHeld: count,
    playersHeld: count,
    sourceHolds: count,
    playerHolds: count,
    sourceHoldMs: count,
    playerHoldMs: count,
    bytesDropped: count,
    takeovers: count,
  })
  .strip();
export type EdgeHoldFigures = z.infer<typeof edgeHoldFigures>;

/** The certificate the gateway's TLS ports present, sent with its reports when it changes (for /metrics). */
export const edgeCertificate = z
  .object({
    /** Its notAfter, in milliseconds since the epoch. */
    notAfter: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  })
  .strip();
export type EdgeCertificate = z.infer<typeof edgeCertificate>;

/**
 * `full`: `added` is every listener the gateway has, and any other the relay knows of it is gone
 * (the first report on every channel, and after a report was lost).
 */
export const edgeReport = z
  .object({
    full: z.boolean(),
    added: z.array(edgeListener),
    removed: z.array(listenerId),
    updated: z.array(edgeUpdate),
    hold: edgeHoldFigures.optional(),
    certificate: edgeCertificate.optional(),
  })
  .strict();
export type EdgeReport = z.infer<typeof edgeReport>;

/** Listeners the relay has besides this gateway's, and its limits (-1: none), for the edge's admission. */
export interface EdgeAdmission {
  clients: { limit: number; others: number };
  /** Mounts with a maxListeners only. */
  mounts: Record<string, { max: number; others: number }>;
}

export interface EdgeReportAnswer {
  admission: EdgeAdmission;
  /** The report named listeners the relay does not know (it forgot this gateway): send a full one. */
  resync?: true;
}

export type EdgeCommand = { type: 'kick'; ids: number[] } | { type: 'move'; ids: number[]; to: string };

const edgeCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('kick'), ids: z.array(listenerId) }),
  z.object({ type: z.literal('move'), ids: z.array(listenerId), to: mountName }),
]);

/** A report body, or what is wrong with it (a fixed text, never the input). */
export function parseReport(body: string): EdgeReport | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { error: 'the report is not JSON' };
  }
  const r = edgeReport.safeParse(json);
  return r.success ? r.data : { error: `bad report at ${r.error.issues[0]?.path.join('.') ?? '?'}` };
}

/** One `data:` line of the command stream, or null when it is not a command this version knows. */
export function parseCommand(line: string): EdgeCommand | null {
  try {
    const r = edgeCommand.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** An event of the command stream (the SSE wire format: one data line, a blank line). */
export function renderCommand(command: EdgeCommand): string {
  return `data: ${JSON.stringify(command)}\n\n`;
}
