// Every action through the control API, who claimed to ask for it and how it ended: kept in
// memory for the dashboard (newest first, bounded) and appended to <stateDir>/logs/audit.log.
// The user is what the client sent in X-Icegate-User: the socket's permissions decide who may
// connect, Node cannot ask the kernel who did (no SO_PEERCRED, see unix(7)).
import type { AuditEntry } from '../contracts/control-api.ts';
import { LogFile, type LogFileOptions } from './log-files.ts';

const KEEP = 50;

export class AuditLog {
  #entries: AuditEntry[] = [];
  readonly #file: LogFile | null;

  constructor(files: LogFileOptions | null) {
    this.#file = files === null ? null : new LogFile('audit', files);
  }

  record(entry: Omit<AuditEntry, 'at'>, now = new Date()): AuditEntry {
    const full: AuditEntry = { at: now.toISOString(), ...entry, user: clean(entry.user), target: clean(entry.target) };
    this.#entries.unshift(full);
    if (this.#entries.length > KEEP) this.#entries.length = KEEP;
    this.#file?.write({ at: full.at, stream: 'supervisor', text: `${full.user} ${full.action} ${full.target} ${full.ok ? 'ok' : 'FAILED'}: ${full.message}` });
    return full;
  }

  get entries(): AuditEntry[] {
    return [...this.#entries];
  }
}

/** Client-supplied text in a log line: printable, one line, short. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 100) || '-';
}
