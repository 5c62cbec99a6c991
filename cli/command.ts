// A subcommand of `icegate`: its help texts and what it runs.
import type { Io } from './io.ts';

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
