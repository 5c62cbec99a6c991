// Which configuration a command runs with: -c FILE, else ./gateway.yaml if present, else the
// built-in defaults (which are exactly what the shipped gateway.yaml says).
import { existsSync } from 'node:fs';
import { formatConfigError } from '../config/errors.ts';
import type { Config } from '../config/schema.ts';
import type { Io } from './io.ts';
import { parseConfigOptions } from './options.ts';

export const defaultConfigFile = 'gateway.yaml';

export interface CliConfig {
  config: Config;
  /** The file as given, or null for the built-in defaults. */
  path: string | null;
  /** How messages name the configuration. */
  label: string;
}

/** Loads the configuration, or prints every error to stderr and returns null. */
export async function loadCliConfig(explicit: string | null, io: Io): Promise<CliConfig | null> {
  const path = explicit ?? (existsSync(defaultConfigFile) ? defaultConfigFile : null);
  // Loaded here, not at the top: the schema is most of a command's start-up, and --help needs none of it.
  const { defaultConfig, loadConfig } = await import('../config/load.ts');
  if (path === null) return { config: defaultConfig(), path: null, label: 'built-in defaults' };
  const result = await loadConfig(path);
  if (result.ok) return { config: result.config, path, label: path };
  for (const error of result.errors) io.err(formatConfigError(error));
  return null;
}

/**
 * The common start of a command whose only options are -c FILE and --help: prints the help (exit
 * code 0), or the configuration errors (exit code 1), or returns the loaded configuration.
 */
export async function configForCommand(args: string[], io: Io, help: string): Promise<CliConfig | number> {
  const options = parseConfigOptions(args);
  if (options.help) {
    io.out(help);
    return 0;
  }
  return (await loadCliConfig(options.config, io)) ?? 1;
}
