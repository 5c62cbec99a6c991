// The supervisor's end of one child's IPC channel (contracts/ipc.ts): typed requests out, each
// answered by id within its timeout; every message in checked against the contract first. A
// message that does not match is logged and ignored. Requests in flight are bounded: more are
// refused rather than queued.
import type { ChildProcess } from 'node:child_process';
import { parseChildMessage, type ParamsOf, type ReadyPorts, type RequestMethod, type SupervisorRequest } from '../contracts/ipc.ts';
import type { Clock, Timer } from '../stream/clock.ts';
import { ControlError } from './errors.ts';

/** Requests in flight to one child; more are refused rather than queued without bound. */
export const MAX_PENDING = 64;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: Timer;
}

export interface ChildChannelEvents {
  ready(ports: ReadyPorts): void;
  /** A message that is not in the contract (already described, never its content). */
  invalid(problem: string): void;
}

export class ChildChannel {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly clock: Clock,
    readonly on: ChildChannelEvents,
  ) {
    child.on('message', (m: unknown) => this.receive(m));
  }

  get pending(): number {
    return this.#pending.size;
  }

  receive(m: unknown): void {
    const parsed = parseChildMessage(m);
    if (!parsed.ok) {
      this.on.invalid(parsed.error);
      return;
    }
    const message = parsed.value;
    if (message.type === 'ready') {
      this.on.ready(message.ports);
      return;
    }
    const p = this.#pending.get(message.id);
    if (!p) return; // answered after its timeout
    this.#pending.delete(message.id);
    p.timer.cancel();
    if (message.ok) p.resolve(message.result);
    else p.reject(Object.assign(new Error(message.message), { code: message.code }));
  }

  request<M extends RequestMethod>(method: M, params: ParamsOf<M>, timeoutMs: number): Promise<unknown> {
    const child = this.child;
    if (!child.connected) return Promise.reject(new ControlError('unavailable', this.name));
    if (this.#pending.size >= MAX_PENDING) return Promise.reject(new ControlError('failed', `${this.name} is busy`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.clock.after(timeoutMs, () => {
        this.#pending.delete(id);
        reject(new ControlError('failed', `${this.name} did not answer in time`));
      });
      this.#pending.set(id, { resolve, reject, timer });
      const message = { type: 'request', id, method, params } as SupervisorRequest;
      child.send(message, (err) => {
        if (err === null) return;
        timer.cancel();
        this.#pending.delete(id);
        reject(new ControlError('unavailable', this.name));
      });
    });
  }

  /** The child is gone: every request in flight fails now. */
  close(): void {
    for (const p of this.#pending.values()) {
      p.timer.cancel();
      p.reject(new ControlError('unavailable', this.name));
    }
    this.#pending.clear();
  }
}
