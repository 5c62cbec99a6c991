// What a reload does to the running components (reload-apply.ts's ReloadTargets): live settings
// over IPC, restarts with the new specs, extra components added, removed and restarted. A restarted
// relay or gateway must be ready again before the next step; one that is not refuses the reload.
import type { Config } from '../config/schema.ts';
import type { Component } from './component.ts';
import type { ComponentSet } from './component-set.ts';
import { RefusedBy, type LiveComponent, type ReloadTargets } from './reload-apply.ts';
import type { ReloadPlan } from './reload.ts';
import type { ComponentSpecs } from './specs.ts';

/** How long the relay and the gateway get to answer a live reload (an htpasswd file is read). */
const LIVE_TIMEOUT_MS = 10_000;

export function reloadTargets(set: ComponentSet, specs: ComponentSpecs): ReloadTargets {
  return {
    async live(name: LiveComponent, config: Config): Promise<void> {
      const c = set.get(name);
      // Not running: its next start reads the file, which already says this.
      if (!c || c.state !== 'running') return;
      await c.request('reload', { config }, LIVE_TIMEOUT_MS);
    },
    async restart(plan: ReloadPlan, next: Config): Promise<void> {
      if (plan.relay === 'restart') {
        if (!next.supervisor.useRelay) await set.remove('relay');
        else {
          const relay = set.get('relay');
          if (relay) {
            relay.spec = specs.relay(next);
            await comesUp('relay', relay, () => relay.restart());
          } else {
            const added = set.add(specs.relay(next));
            await comesUp('relay', added, async () => set.launch(added));
          }
        }
      }
      const gateway = set.get('gateway');
      if (plan.gateway === 'restart' && gateway) {
        gateway.spec = specs.gateway(next);
        await comesUp('gateway', gateway, async () => {
          if (next.supervisor.useRelay && set.get('relay')?.state !== 'running') {
            await gateway.stop();
            set.launch(gateway);
          } else await gateway.restart();
        });
      }
      for (const name of plan.remove) await set.remove(name);
      for (const name of plan.restart) {
        const c = set.get(name);
        const def = next.supervisor.components.find((x) => x.name === name);
        if (!c || !def) continue;
        await c.stop();
        c.spec = specs.extra(def);
        set.launch(c);
      }
      for (const name of plan.add) {
        const def = next.supervisor.components.find((x) => x.name === name);
        if (def) set.launch(set.add(specs.extra(def)));
      }
    },
  };
}

async function comesUp(name: string, c: Component, start: () => Promise<void>): Promise<void> {
  const ready = c.nextReady();
  ready.catch(() => {}); // awaited below; a start that throws must not leave it unhandled
  await start();
  await ready.catch((e: unknown) => {
    throw new RefusedBy(name, `did not start with the new configuration: ${(e as Error).message}`);
  });
}
