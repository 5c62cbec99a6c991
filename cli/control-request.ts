// One request to a running `icegate start` over its control socket, for stop / reload / status
// and `icegate link` (whose requests carry a JSON body).
import { request } from 'node:http';
import { userInfo } from 'node:os';

export interface ControlReply {
  status: number;
  body: unknown;
}

function operator(): string {
  try {
    return process.env.SUDO_USER || process.env.USER || userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function controlRequest(socketPath: string, method: 'GET' | 'POST' | 'DELETE', path: string, timeoutMs = 30_000, body?: unknown): Promise<ControlReply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { 'x-icegate-user': operator() };
  if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
        } catch {
          reject(new Error('the control socket answered something that is not JSON'));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer from the control socket')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A transport error in words an operator can act on. */
export function describeControlError(error: unknown, socketPath: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED') return `icegate is not running (no control socket answers at ${socketPath})`;
  if (code === 'EACCES') return `permission denied on ${socketPath} (operators need the run directory's group)`;
  return error instanceof Error ? error.message : String(error);
}
