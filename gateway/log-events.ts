// The gateway's log: one line per event, `key=value` fields in a fixed order, so fail2ban and
// log tools read it without guessing (docs/gateway-security.md#logs-for-fail2ban: no Icecast filter exists, and
// Icecast's own lines either lack the address or count libshout's probe as a failure). Every
// line starts `time=<ISO 8601 UTC> level=<level> event=<name> role=<role|-> ip=<address|->`;
// the IP is always the fifth field. Values are fixed text from the gateway (catalogue codes,
// decision reasons, Node error messages): never a password, a token or a raw request. A value
// with anything but plain characters is written as a JSON string, so no value can start a
// field or a line of its own.
import type { EventEmitter } from 'node:events';
import type { PortRole } from '../policies/types.ts';
import { anonymizeIp } from './privacy.ts';
import type { GatewayEvents } from './context.ts';

export type Level = 'info' | 'warn' | 'error';
export type LogWriter = (level: Level, line: string) => void;
export type Fields = Readonly<Record<string, string | number | null>>;

const BARE = /^[A-Za-z0-9._:/@+-]+$/;

export function logValue(value: string | number | null): string {
  if (value === null || value === '') return '-';
  const text = String(value);
  return BARE.test(text) ? text : JSON.stringify(text);
}

/** One line, without its newline. */
export function logLine(at: Date, level: Level, event: string, role: PortRole | null, ip: string | null, fields: Fields = {}): string {
  const head = `time=${at.toISOString()} level=${level} event=${event} role=${role ?? '-'} ip=${logValue(ip)}`;
  return [head, ...Object.entries(fields).map(([k, v]) => `${k}=${logValue(v)}`)].join(' ');
}

export interface LogEventsOptions {
  /** gateway.privacy.anonymizeIps: listener addresses are cut before they are written. */
  readonly anonymizeIps: boolean;
  readonly now?: () => Date;
}

/** Writes a line for each event worth the operator's attention. */
export function logEvents(events: EventEmitter<GatewayEvents>, write: LogWriter, o: LogEventsOptions): void {
  const now = o.now ?? (() => new Date());
  const show = (role: PortRole | null, ip: string): string => {
    if (!o.anonymizeIps || role !== 'listener') return ip;
    return ip.endsWith('/64') ? `${anonymizeIp(ip.slice(0, -3))}/48` : anonymizeIp(ip);
  };
  const out = (level: Level, event: string, role: PortRole | null, ip: string | null, fields?: Fields): void =>
    write(level, logLine(now(), level, event, role, ip === null ? null : show(role, ip), fields));
  events.on('deny', (d) => out('info', 'deny', d.role, d.ip, { code: d.code, reason: d.reason, ref: d.id }));
  events.on('ban', (b) => out('warn', 'ban', b.role, b.ip, { reason: b.reason, until: b.until, closed: b.closed }));
  events.on('unban', (u) => out('info', 'unban', null, u.ip));
  events.on('upstream-error', (u) => out('warn', 'upstream-error', u.role, u.ip, { message: u.message }));
  events.on('tls-reload', (r) =>
    r.ok ? out('info', 'certificate-reloaded', null, null, { fingerprint: r.fingerprint256 }) : out('error', 'certificate-not-reloaded', null, null, { message: r.error }),
  );
  events.on('limiter-error', (l) => out('error', 'limiter-error', null, null, { message: l.message }));
  events.on('server-error', (s) => out('error', 'server-error', null, null, { server: s.server, message: s.message }));
  events.on('auth-backend-error', (a) => out('warn', 'auth-backend-error', null, null, { mount: a.mount, message: a.message }));
  events.on('auth-file-error', (f) => out('warn', 'auth-file-error', null, null, { file: f.file, message: f.message }));
  events.on('edge', (x) => out(x.level, 'edge', null, null, { message: x.message }));
  events.on('hold', (x) => out(x.level, 'hold', null, null, { message: x.message }));
  events.on('link', (x) => out(x.level, 'link', null, null, { message: x.message }));
  events.on('acme', (x) => out(x.level, 'acme', null, null, { message: x.message }));
}

/** Info lines on stdout, problems on stderr, like the rest of the CLI. */
export const consoleWriter: LogWriter = (level, line) => void (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
