// What a config problem looks like to the operator: the file, the line, the dotted key path and
// the rule that was broken, e.g. `gateway.yaml:12: relay.limits.queueSize: must be a number`.

/** One step into the config: a key of a mapping, or an index into a list. */
export type PathSegment = string | number;

/** A problem found before the file's line numbers are known: a key path and the rule broken. */
export interface Problem {
  path: readonly PathSegment[];
  message: string;
}

export interface ConfigError {
  /** The config file as the operator named it. */
  file: string;
  /** Dotted key path, e.g. `relay.mounts./live.mp3.maxListeners`; '' for the file as a whole. */
  keyPath: string;
  /** 1-based line of the key, or of its nearest ancestor present in the file; null if unknown. */
  line: number | null;
  message: string;
}

/**
 * Keys join with dots, list indices are bracketed (`relay.relays[0].url`). Mount names keep
 * their own dots and slashes: every mount name starts with "/", so the path stays readable.
 */
export function formatKeyPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

export function formatConfigError(error: ConfigError): string {
  const where = error.line === null ? error.file : `${error.file}:${error.line}`;
  return error.keyPath === '' ? `${where}: ${error.message}` : `${where}: ${error.keyPath}: ${error.message}`;
}

