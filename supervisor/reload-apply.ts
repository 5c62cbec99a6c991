// Carries out a reload plan (reload.ts) all or nothing. First the live part: the relay and the
// gateway are each asked to take the new settings; when one refuses, those that accepted are
// given the settings in force back. Then the restarts, starts and stops; the relay and the
// gateway must come up with the new configuration. The caller makes the new configuration the
// one in force only when this answers ok, so the next reload is planned against what runs.
import type { Config } from '../config/schema.ts';
import type { ReloadRefusal } from '../contracts/control-api.ts';
import type { ReloadPlan } from './reload.ts';

export type LiveComponent = 'relay' | 'gateway';

/** The relay before the gateway, as they start. */
const LIVE_ORDER: readonly LiveComponent[] = ['relay', 'gateway'];

export interface ReloadTargets {
  /** The component takes the live keys of `config`, or rejects with its reason and keeps its settings. */
  live(component: LiveComponent, config: Config): Promise<void>;
  /** The plan's restarts, starts and stops; rejects with a RefusedBy when the relay or the gateway did not come up. */
  restart(plan: ReloadPlan, next: Config): Promise<void>;
}

/** A component did not come up with the new configuration. */
export class RefusedBy extends Error {
  constructor(
    readonly component: string,
    reason: string,
  ) {
    super(reason);
  }
}

export type ReloadResult = { ok: true; notes: string[] } | { ok: false; refusal: ReloadRefusal; notes: string[] };

export async function applyReload(plan: ReloadPlan, old: Config, next: Config, targets: ReloadTargets): Promise<ReloadResult> {
  const accepted: LiveComponent[] = [];
  const notes: string[] = [];
  const rollback = async (): Promise<void> => {
    for (const name of accepted.reverse()) {
      await targets.live(name, old).then(
        () => notes.push(`${name}: back to the settings in force`),
        (e: unknown) => notes.push(`${name}: could not go back to the settings in force: ${reasonOf(e)}`),
      );
    }
  };
  for (const name of LIVE_ORDER) {
    if (plan[name] !== 'live') continue;
    try {
      await targets.live(name, next);
      accepted.push(name);
    } catch (e) {
      await rollback();
      return { ok: false, refusal: { component: name, reason: reasonOf(e) }, notes };
    }
  }
  try {
    await targets.restart(plan, next);
  } catch (e) {
    await rollback();
    const component = e instanceof RefusedBy ? e.component : 'supervisor';
    // A process that was restarted reads the file itself: it keeps trying until the file is fixed.
    if (e instanceof RefusedBy) notes.push(`${component}: restarted with the file as it is now and retried by its restart policy; fix the file and reload`);
    return { ok: false, refusal: { component, reason: reasonOf(e) }, notes };
  }
  return { ok: true, notes: plan.notes };
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
