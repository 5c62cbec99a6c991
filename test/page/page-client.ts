// Raw HTTP requests for the listening page's tests: the exact target goes on the wire (no client
// normalises "..") and the body comes back as bytes (gzip stays gzip).
import { rawRequest, parseHead } from '../helpers/listen.ts';

export interface PageReply {
  status: number;
  headers: Map<string, string[]>;
  body: Buffer;
  header(name: string): string | undefined;
}

export async function request(port: number, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<PageReply> {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: radio.example:8000', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  const raw = await rawRequest(port, `${lines.join('\r\n')}\r\n\r\n`);
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no response head: ${JSON.stringify(raw.subarray(0, 200).toString('latin1'))}`);
  const head = parseHead(raw.subarray(0, end).toString('latin1'));
  return { status: head.status, headers: head.headers, body: raw.subarray(end + 4), header: (n) => head.headers.get(n.toLowerCase())?.[0] };
}
