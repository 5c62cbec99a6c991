// How `icegate start` hands the relay core and the gateway it spawns what it has already checked:
// the configuration (validated once, in the supervisor, by config/load.ts) and the resolved
// secrets. Reading gateway.yaml again and validating it with the schema was most of a child's
// start-up time (docs/supervision.md, "Start-up"). The supervisor writes one JSON document to an
// extra pipe of the child (file descriptor START_FD) and closes it; the child reads it to the end.
// Secrets travel only there: never in the environment or the arguments, which other processes of
// the same user can read and which children inherit.
//
// Like the reload request (contracts/ipc.ts), the shape is checked here, not every key again:
// the sender is the supervisor that validated it.
import { createReadStream } from 'node:fs';
import type { Config, ResolvedSecrets } from '../config/schema.ts';

/** Set in a child's environment when its checked configuration waits on START_FD. */
export const START_ENV = 'ICEGATE_START_FD';
/** stdin, stdout, stderr, the IPC channel, then this pipe. */
export const START_FD = 4;
/** A configuration is a few KiB; anything this large is not one. */
export const MAX_START_BYTES = 4 * 1024 * 1024;

export interface ChildStart {
  config: Config;
  secrets: ResolvedSecrets;
  /** The file the configuration came from (relative TLS paths resolve against its directory); null = built-in defaults. */
  configPath: string | null;
}

export type StartParsed = { ok: true; value: ChildStart } | { ok: false; error: string };

const SECTIONS = ['stateDir', 'station', 'relay', 'gateway', 'supervisor'] as const;
const SECRETS = ['sourcePassword', 'adminPassword', 'relayPassword'] as const;

export function encodeStart(start: ChildStart): string {
  return JSON.stringify(start);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The document a child received, checked for shape and frozen like config/load.ts freezes a loaded one. */
export function parseStart(text: string): StartParsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (!isObject(value)) return { ok: false, error: 'not an object' };
  const { config, secrets, configPath } = value;
  if (!isObject(config) || !SECTIONS.every((k) => k in config)) return { ok: false, error: 'config: not a configuration' };
  if (!isObject(secrets) || !SECRETS.every((k) => typeof secrets[k] === 'string')) return { ok: false, error: 'secrets: not the resolved secrets' };
  if (configPath !== null && typeof configPath !== 'string') return { ok: false, error: 'configPath: not a path or null' };
  return { ok: true, value: deepFreeze({ config: config as unknown as Config, secrets: secrets as unknown as ResolvedSecrets, configPath }) };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The child side: null when this process was not started that way (run by hand, or by an older
 * supervisor); otherwise the document, or a rejection saying what is wrong with it. The variable
 * is removed once read, so nothing this process starts inherits it.
 */
export function readStart(env: NodeJS.ProcessEnv = process.env): Promise<ChildStart> | null {
  if (env[START_ENV] !== String(START_FD)) return null;
  delete env[START_ENV];
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stream = createReadStream('', { fd: START_FD, autoClose: true });
    stream.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_START_BYTES) {
        stream.destroy();
        reject(new Error(`the supervisor's start document is over ${MAX_START_BYTES} bytes`));
        return;
      }
      chunks.push(chunk as Buffer);
    });
    stream.on('error', (error) => reject(new Error(`cannot read the supervisor's start document: ${error.message}`)));
    stream.on('end', () => {
      const parsed = parseStart(Buffer.concat(chunks).toString('utf8'));
      if (parsed.ok) resolve(parsed.value);
      else reject(new Error(`invalid start document from the supervisor (${parsed.error})`));
    });
  });
}
