// A test's requests to a running supervisor's control socket, raw enough to send a malformed body
// (cli/control-request.ts is the operator's client, which always sends JSON).
import { request } from 'node:http';
import type { StateSnapshot } from '../../contracts/control-api.ts';

export interface ControlCall<T = unknown> {
  status: number;
  body: T;
}

/** One request as the operator "tester"; a string body is sent as it is, anything else as JSON. */
export function controlCall<T = unknown>(sock: string, method: string, path: string, body?: unknown): Promise<ControlCall<T>> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, method, path, headers: { 'x-icegate-user': 'tester' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') as T });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** GET /v1/state. */
export async function controlState(sock: string): Promise<StateSnapshot> {
  const reply = await controlCall<StateSnapshot>(sock, 'GET', '/v1/state');
  if (reply.status !== 200) throw new Error(`GET /v1/state answered ${reply.status}`);
  return reply.body;
}
