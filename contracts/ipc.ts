// Messages between `icegate start` and its Node children (the relay core and the gateway), over
// the IPC channel of child_process.fork. A child that has a channel says `ready` once it listens
// (like systemd's READY=1 / pm2's wait_ready), then answers requests by id. Every message is one
// variant of a discriminated union, checked with zod on receipt on both sides: a message that does
// not match is logged and ignored, never acted on and never a crash. Everything is plain JSON:
// the channel is never handed a function or a socket.
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import { gatewayLinks } from './link-store.ts';

/** Set in a supervised child's environment: what it must bind instead of the configured values. */
export const OVERRIDES_ENV = 'ICEGATE_SUPERVISED';

const port = z.number().int().min(0).max(65_535);

const childOverridesSchema = z.object({
  /** The relay's port: the one it had before a restart, so the gateway's upstream stays right. */
  relayPort: port.optional(),
  /** The gateway's upstream: the relay's actual address. */
  upstream: z.string().max(300).optional(),
  /** The gateway's ports, likewise kept across restarts. */
  gatewayPorts: z.partialRecord(z.enum(['listener', 'listenerTls', 'source', 'sourcePlain', 'admin']), port).optional(),
});

export type ChildOverrides = z.infer<typeof childOverridesSchema>;

/** The ports a child bound, by role (null: that port is off). */
export type ReadyPorts = Record<string, number | null>;
const readyPorts = z.record(z.string().max(40), port.nullable());

const id = z.number().int().min(1);
const mount = z.string().min(1).max(1024);
const ip = z.string().min(1).max(64);
const empty = z.object({}).strict();
/** A whole configuration, already validated by config/load.ts in the supervisor: the shape is checked here, not every key again. */
const config = z.custom<Config>((v) => typeof v === 'object' && v !== null && ['stateDir', 'station', 'relay', 'gateway', 'supervisor'].every((k) => k in v), {
  message: 'not a configuration',
});

const request = <M extends string, P extends z.ZodType>(method: M, params: P) => z.object({ type: z.literal('request'), id, method: z.literal(method), params });

/** Supervisor → child. */
export const requestSchema = z.discriminatedUnion('method', [
  request('ping', empty),
  request('snapshot', empty),
  request('listeners', z.object({ mount })),
  request('kick', z.object({ mount, id: z.number().int().min(0) })),
  request('kill-source', z.object({ mount })),
  request('metadata', z.object({ mount, title: z.string().max(4096) })),
  request('ban', z.object({ ip, seconds: z.number().int().min(1).nullable() })),
  request('unban', z.object({ ip })),
  // Apply the live keys of this configuration, or refuse and keep the settings in force.
  request('reload', z.object({ config })),
  // The gateway: the whole table of links (contracts/link-store.ts); players of closed links are cut.
  request('links', z.object({ links: gatewayLinks })),
  // The gateway: per link id, the stream players it holds and its last use (LinkUsage).
  request('link-usage', empty),
]);

export type SupervisorRequest = z.infer<typeof requestSchema>;
export type RequestMethod = SupervisorRequest['method'];
export type ParamsOf<M extends RequestMethod> = Extract<SupervisorRequest, { method: M }>['params'];

/** Child → supervisor. */
export const childMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), ports: readyPorts }),
  z.discriminatedUnion('ok', [
    z.object({ type: z.literal('response'), id, ok: z.literal(true), result: z.unknown() }),
    z.object({ type: z.literal('response'), id, ok: z.literal(false), code: z.string().max(64), message: z.string().max(4096) }),
  ]),
]);

export type ChildMessage = z.infer<typeof childMessageSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parse<T>(schema: z.ZodType<T>, m: unknown): Parsed<T> {
  const r = schema.safeParse(m);
  if (r.success) return { ok: true, value: r.data };
  // Paths and zod's words only: the message itself may be large, and is never echoed.
  const issue = r.error.issues[0];
  return { ok: false, error: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid' };
}

export const parseRequest = (m: unknown): Parsed<SupervisorRequest> => parse(requestSchema, m);
export const parseChildMessage = (m: unknown): Parsed<ChildMessage> => parse(childMessageSchema, m);

/** Reads the overrides a supervised child was started with; {} when none or unreadable. */
export function readOverrides(env: NodeJS.ProcessEnv = process.env): ChildOverrides {
  const text = env[OVERRIDES_ENV];
  if (text === undefined) return {};
  try {
    const r = childOverridesSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : {};
  } catch {
    return {};
  }
}

export type RequestHandler = (request: SupervisorRequest) => unknown;

/**
 * The child side: answers each valid request with `handle` (a thrown error with a `code` is sent
 * back as that code). An invalid message is logged to stderr (the supervisor's log of this
 * child) and not acted on; when its id is readable it is answered `bad-request` so the supervisor
 * does not wait for its timeout. Says nothing when there is no channel (run by hand).
 */
export function serveRequests(handle: RequestHandler, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  if (process.send === undefined) return;
  process.on('message', (m: unknown) => answer(m, handle, log, send));
  // The supervisor gone (its end of the channel closed): a supervised child does not outlive it.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

/** One message in, at most one response out: what serveRequests does per message. */
export function answer(m: unknown, handle: RequestHandler, log: (line: string) => void, reply: (message: ChildMessage) => void): void {
  const parsed = parseRequest(m);
  if (!parsed.ok) {
    log(`ignored an invalid message from the supervisor (${parsed.error})`);
    const maybeId = (m as { id?: unknown } | null)?.id;
    if (typeof maybeId === 'number' && Number.isInteger(maybeId) && maybeId >= 1) reply({ type: 'response', id: maybeId, ok: false, code: 'bad-request', message: `invalid request: ${parsed.error}` });
    return;
  }
  const request = parsed.value;
  Promise.resolve()
    .then(() => handle(request))
    .then(
      (result) => reply({ type: 'response', id: request.id, ok: true, result: result ?? null }),
      (error: unknown) => {
        const e = error as { code?: unknown; message?: unknown } | null;
        reply({ type: 'response', id: request.id, ok: false, code: typeof e?.code === 'string' ? e.code.slice(0, 64) : 'failed', message: String(e?.message ?? error).slice(0, 4096) });
      },
    );
}

export function sendReady(ports: ReadyPorts): void {
  send({ type: 'ready', ports });
}

function send(message: ChildMessage): void {
  if (process.send === undefined || !process.connected) return;
  process.send(message, undefined, {}, () => {});
}

/** An error a child sends back with a control API code (supervisor/errors.ts). */
export class ChildError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
