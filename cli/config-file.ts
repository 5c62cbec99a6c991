// Which configuration a command runs with: -c FILE, else ./gateway.yaml if present, else the
// built-in defaults (which are exactly what the shipped gateway.yaml says).
import { existsSync } from 'node:fs';
import { formatConfigError } from '../config/errors.ts';
import { defaultConfig, loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { Io } from './io.ts';

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
  if (path === null) return { config: defaultConfig(), path: null, label: 'built-in defaults' };
  const result = await loadConfig(path);
  if (result.ok) return { config: result.config, path, label: path };
  for (const error of result.errors) io.err(formatConfigError(error));
  return null;
}
