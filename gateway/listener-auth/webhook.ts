// auth: webhook. Each listener is put to the backend with Icecast's listener_add (gateway/
// webhook.ts); a refusal is a 403, never a 401 with a challenge (no browser prompt), and a failed
// backend a 503. The listener's Basic credentials, if any, go to the backend as user and pass,
// exactly as Icecast sends them, and never upstream. listener_remove follows when they leave.
import { parseBasic } from '../../stream/basic-auth.ts';
import { listenerAddBody, listenerRemoveBody, postWebhook, type ListenerFields, type WebhookTarget } from './webhook-client.ts';
import { allowed, blockBefore, countOutcome, denied, failed, type AuthDeps, type AuthVerdict, type ListenerRequest } from './verdict.ts';

export class WebhookCheck {
  #clients = 0;

  constructor(
    private readonly target: WebhookTarget,
    /** The station's host name, sent as `server`. */
    private readonly server: string,
    private readonly deps: AuthDeps,
  ) {}

  async check(request: ListenerRequest): Promise<AuthVerdict> {
    const sent = request.authorization !== undefined;
    const credentials = parseBasic(request.authorization);
    const attempt = { channel: 'listener' as const, user: credentials?.user ?? '', ip: request.ip };
    const blocked = await blockBefore(this.deps, attempt, sent);
    if (blocked) return blocked;
    const fields: ListenerFields = {
      server: this.server,
      port: request.port,
      client: String(++this.#clients),
      mount: request.mount + request.query,
      user: credentials?.user ?? '',
      pass: credentials?.password ?? '',
      ip: request.ip,
      agent: request.agent ?? '-',
    };
    const answer = await postWebhook(this.target, listenerAddBody(fields));
    if (answer.kind === 'unavailable') {
      this.deps.events.emit('auth-backend-error', { mount: request.mount, message: answer.message });
      return denied('GW_AUTH_UNAVAILABLE', 'the listener authentication backend failed');
    }
    if (answer.kind === 'deny') {
      const refusal = denied('GW_LISTENER_REFUSED', 'the listener authentication backend refused the listener');
      // Only credentials that were sent and refused are a guess; an anonymous refusal is not.
      return sent ? failed(this.deps, attempt, refusal) : refusal;
    }
    if (sent) await countOutcome(this.deps, attempt, 'success');
    const opened = this.deps.clock.now();
    let ended = false;
    return allowed({
      end: () => {
        if (ended) return;
        ended = true;
        const duration = Math.max(0, Math.round((this.deps.clock.now() - opened) / 1000));
        void postWebhook(this.target, listenerRemoveBody(fields, duration)).then((a) => {
          if (a.kind === 'unavailable') this.deps.events.emit('auth-backend-error', { mount: request.mount, message: `listener_remove: ${a.message}` });
        });
      },
    });
  }
}
