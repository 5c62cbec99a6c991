// Messages between `icegate start` and its Node children (the relay core and the gateway), over
// the IPC channel of child_process.fork. A child that has a channel says `ready` once it listens
// (like systemd's READY=1 / pm2's wait_ready), then answers requests by id. Everything is plain
// JSON: the channel is never handed a function, a socket or a secret.

/** Set in a supervised child's environment: what it must bind instead of the configured values. */
export const OVERRIDES_ENV = 'ICEGATE_SUPERVISED';

export interface ChildOverrides {
  /** The relay's port: the one it had before a restart, so the gateway's upstream stays right. */
  relayPort?: number;
  /** The gateway's upstream: the relay's actual address. */
  upstream?: string;
  /** The gateway's ports, likewise kept across restarts. */
  gatewayPorts?: Partial<Record<'listener' | 'listenerTls' | 'source' | 'sourcePlain' | 'admin', number>>;
}

export type ReadyPorts = Record<string, number | null>;

export type ChildMessage =
  | { type: 'ready'; ports: ReadyPorts }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; code: string; message: string };

export type RequestMethod =
  | 'ping'
  | 'snapshot'
  | 'listeners'
  | 'kick'
  | 'kill-source'
  | 'metadata'
  | 'ban'
  | 'unban'
  | 'reload';

export interface RequestMessage {
  type: 'request';
  id: number;
  method: RequestMethod;
  params: Record<string, unknown>;
}

export function isChildMessage(m: unknown): m is ChildMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type !== undefined;
}

export function isRequest(m: unknown): m is RequestMessage {
  const r = m as Partial<RequestMessage> | null;
  return typeof r === 'object' && r !== null && r.type === 'request' && typeof r.id === 'number' && typeof r.method === 'string';
}

/** Reads the overrides a supervised child was started with; {} when none or unreadable. */
export function readOverrides(env: NodeJS.ProcessEnv = process.env): ChildOverrides {
  const text = env[OVERRIDES_ENV];
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as ChildOverrides) : {};
  } catch {
    return {};
  }
}

/**
 * The child side: answers requests with `handle` (a thrown error with a `code` is sent back as
 * that code), and says nothing when there is no channel (run by hand).
 */
export function serveRequests(handle: (method: RequestMethod, params: Record<string, unknown>) => unknown): void {
  if (process.send === undefined) return;
  process.on('message', (m: unknown) => {
    if (!isRequest(m)) return;
    Promise.resolve()
      .then(() => handle(m.method, m.params ?? {}))
      .then(
        (result) => send({ type: 'response', id: m.id, ok: true, result: result ?? null }),
        (error: unknown) => {
          const e = error as { code?: unknown; message?: unknown };
          send({ type: 'response', id: m.id, ok: false, code: typeof e.code === 'string' ? e.code : 'failed', message: String(e.message ?? error) });
        },
      );
  });
  // The supervisor gone (its end of the channel closed): a supervised child does not outlive it.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
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
