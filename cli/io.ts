// Where a command writes: results to stdout, diagnostics to stderr. Tests pass their own.
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A mistake in how the command was called: exit status 2 and the usage text, as is customary. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Command {
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  /** Resolves to the process exit status. */
  run(args: string[], io: Io): Promise<number>;
}
