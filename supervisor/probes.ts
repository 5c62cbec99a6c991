// Liveness probes from outside the process, besides the IPC ping: a process whose event loop
// still answers IPC but whose HTTP server hangs is caught too (HTTP
// for the relay core, a TCP connect for the gateway).
import { request } from 'node:http';
import { connect } from 'node:net';

/** GET http://<host>:<port><path> must answer 200. */
export function httpProbe(host: string, port: number, path = '/status-json.xsl'): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false, headers: { 'user-agent': 'icegate-supervisor' } }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new Error(`GET ${path} answered ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Where to reach a server bound to `bind` from this machine. */
export function loopbackFor(bind: string): string {
  if (bind === '0.0.0.0') return '127.0.0.1';
  if (bind === '::') return '::1';
  return bind;
}

/** A TCP connection to <host>:<port> must open. */
export function tcpProbe(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', reject);
  });
}
