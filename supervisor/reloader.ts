// A reload as the operator sees it (POST /v1/reload, `icegate reload`, SIGHUP): re-read and
// validate the file, plan against the configuration in force, apply all or nothing, and only then
// make the new configuration the one in force. Reloads run one after the other.
import { formatConfigError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { ControlError } from './errors.ts';
import { applyReload, type ReloadTargets } from './reload-apply.ts';
import { planReload, type ReloadPlan } from './reload.ts';

export interface ReloadOutcome {
  plan: ReloadPlan;
  message: string;
}

export interface ReloaderOptions {
  /** Absolute, or null for the built-in defaults (nothing to reload). */
  configPath: string | null;
  /** The configuration in force. */
  current(): Config;
  /** Every component accepted `next`: it is now the configuration in force. */
  commit(next: Config): void;
  targets: ReloadTargets;
  progress(line: string): void;
}

export class Reloader {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly o: ReloaderOptions) {}

  reload(): Promise<ReloadOutcome> {
    const run = this.#queue.then(() => this.#reload());
    this.#queue = run.catch(() => {});
    return run;
  }

  async #reload(): Promise<ReloadOutcome> {
    const { configPath, progress } = this.o;
    if (configPath === null) throw new ControlError('invalid-config', 'icegate runs on its built-in defaults: there is no file to reload (start it with -c FILE)');
    const result = await loadConfig(configPath);
    if (!result.ok) {
      const errors = result.errors.map(formatConfigError);
      progress(`reload refused, the running configuration stays:\n  ${errors.join('\n  ')}`);
      throw new ControlError('invalid-config', errors.join('; '));
    }
    const next = result.config;
    const plan = planReload(this.o.current(), next);
    const applied = await applyReload(plan, this.o.current(), next, this.o.targets);
    if (!applied.ok) {
      const { component, reason } = applied.refusal;
      const detail = [`${component}: ${reason}`, ...applied.notes].join('; ');
      progress(`reload of ${configPath} refused by ${component}, the configuration in force stays: ${detail}`);
      throw new ControlError('reload-refused', detail, applied.refusal);
    }
    this.o.commit(next);
    const message = plan.notes.join('; ');
    progress(`reloaded ${configPath}: ${message}`);
    return { plan, message };
  }
}
