// Listener authentication by an HTTP backend, on Icecast's URL-auth wire format so existing
// backends work unchanged (docs/icecast-compatibility.md#url-authentication): a form POST
// `action=listener_add` with server, port, client, mount, user, pass, ip and agent; the listener
// is allowed iff the answer carries `icecast-auth-user: 1`. When the listener leaves,
// `action=listener_remove` follows with `duration` in seconds. Unlike Icecast, a 5xx, a dead or
// a slow backend is "unavailable" (the gateway refuses with 503: fail closed), and the body of
// the answer is never read.
import http from 'node:http';
import https from 'node:https';

export interface WebhookTarget {
  readonly url: string;
  /** Seconds for the whole exchange up to the response head. */
  readonly timeout: number;
  /** Extra header fields for the backend. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface ListenerFields {
  /** The station's host name (relay.hostname), as Icecast sends its <hostname>. */
  readonly server: string;
  /** The gateway port the listener connected to. */
  readonly port: number;
  /** A connection id, unique in this gateway process. */
  readonly client: string;
  /** The mount, with the request's query string (how Icecast passes URL tokens to backends). */
  readonly mount: string;
  readonly user: string;
  readonly pass: string;
  readonly ip: string;
  /** "-" when the player sent no User-Agent, as Icecast does. */
  readonly agent: string;
}

export type WebhookAnswer = { readonly kind: 'allow' | 'deny' } | { readonly kind: 'unavailable'; readonly message: string };

export const AUTH_HEADER = 'icecast-auth-user';

/** Field order as Icecast 2.4.4 sends them. */
export function listenerAddBody(f: ListenerFields): string {
  const { server, port, client, mount, user, pass, ip, agent } = f;
  return form({ action: 'listener_add', server, port: String(port), client, mount, user, pass, ip, agent });
}

export function listenerRemoveBody(f: ListenerFields, durationSeconds: number): string {
  const { server, port, client, mount, user, pass, ip, agent } = f;
  return form({ action: 'listener_remove', server, port: String(port), client, mount, user, pass, duration: String(durationSeconds), ip, agent });
}

/** What a response head means for listener_add. */
export function answerOf(status: number, authHeader: string | string[] | undefined): WebhookAnswer {
  if (status >= 500) return { kind: 'unavailable', message: `the backend answered ${status}` };
  const value = Array.isArray(authHeader) ? authHeader[0] : authHeader;
  return status >= 200 && status < 300 && value?.trim() === '1' ? { kind: 'allow' } : { kind: 'deny' };
}

/** POSTs a form body; resolves with the answer, never rejects. */
export function postWebhook(target: WebhookTarget, body: string): Promise<WebhookAnswer> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (answer: WebhookAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const headers = {
      ...target.headers,
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': String(Buffer.byteLength(body)),
      'User-Agent': 'icegate',
    };
    let req: http.ClientRequest;
    try {
      const url = new URL(target.url);
      const client = url.protocol === 'https:' ? https : http;
      req = client.request(url, { method: 'POST', headers, agent: false }, (res) => {
        settle(answerOf(res.statusCode ?? 0, res.headers[AUTH_HEADER]));
        // The body says nothing Icecast would read; the connection is not reused.
        res.destroy();
      });
    } catch (err) {
      // An invalid URL, or a configured header value Node refuses to send.
      return settle({ kind: 'unavailable', message: (err as Error).message });
    }
    timer = setTimeout(() => {
      settle({ kind: 'unavailable', message: `no answer within ${target.timeout} s` });
      req.destroy();
    }, target.timeout * 1000);
    req.on('error', (err) => settle({ kind: 'unavailable', message: err.message }));
    req.end(body);
  });
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
