// The components of one `icegate start`, in start order: the relay core, the gateway, then the
// extra components. A component starts once every component it depends on is running; stopping
// goes the other way: extras, then the gateway, then the relay core.
import type { Component } from './component.ts';
import type { ComponentSpec } from './component-spec.ts';
import { ControlError } from './errors.ts';

export class ComponentSet {
  readonly #components = new Map<string, Component>();
  /** Components launched but not started yet: a dependency is not running. */
  readonly #waiting = new Set<string>();

  /** `create` builds a component and wires its events (logs, changes, ports). */
  constructor(readonly create: (spec: ComponentSpec) => Component) {}

  get map(): ReadonlyMap<string, Component> {
    return this.#components;
  }

  get(name: string): Component | undefined {
    return this.#components.get(name);
  }

  values(): Component[] {
    return [...this.#components.values()];
  }

  /** The relay or the gateway, running; else the control API's `unavailable`. */
  running(name: 'relay' | 'gateway'): Component {
    const c = this.#components.get(name);
    if (!c || c.state !== 'running') throw new ControlError('unavailable', name);
    return c;
  }

  add(spec: ComponentSpec): Component {
    const c = this.create(spec);
    c.on('ready', () => this.startDependants());
    this.#components.set(spec.name, c);
    return c;
  }

  /** Starts it now, or once its dependencies are running. */
  launch(c: Component): void {
    this.#waiting.add(c.spec.name);
    this.startDependants();
  }

  startDependants(): void {
    for (const name of [...this.#waiting]) {
      const c = this.#components.get(name);
      if (!c) {
        this.#waiting.delete(name);
        continue;
      }
      const deps = c.spec.dependsOn.map((d) => this.#components.get(d));
      if (deps.every((d) => d === undefined || d.state === 'running')) {
        this.#waiting.delete(name);
        c.start();
      }
    }
  }

  /** Stops it and forgets it. */
  async remove(name: string): Promise<void> {
    this.#waiting.delete(name);
    await this.#components.get(name)?.stop();
    this.#components.delete(name);
  }

  /** Reverse start order: extras, the gateway, then the relay core. */
  async stopAll(): Promise<void> {
    this.#waiting.clear();
    const order = this.values().reverse().sort((a, b) => rank(a) - rank(b));
    for (const c of order) await c.stop();
  }
}

function rank(c: Component): number {
  return c.spec.kind === 'command' ? 0 : c.spec.kind === 'gateway' ? 1 : 2;
}
