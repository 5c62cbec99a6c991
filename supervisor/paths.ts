// Where `icegate start` keeps its run-time files for a configuration: the control socket and the
// pid file in supervisor.runtimeDir (relative to the config file, like stateDir), else
// <stateDir>/run; the component logs in <stateDir>/logs.
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';

export const CONTROL_SOCKET = 'control.sock';

export function runtimeDir(config: Config, configFile: string | null): string {
  const dir = config.supervisor.runtimeDir;
  if (dir === null) return join(config.stateDir, 'run');
  return resolve(configFile === null ? '.' : dirname(resolve(configFile)), dir);
}

export function socketPath(config: Config, configFile: string | null): string {
  return join(runtimeDir(config, configFile), CONTROL_SOCKET);
}

export function logsDir(config: Config): string {
  return join(config.stateDir, 'logs');
}
