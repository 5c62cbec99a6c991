// The nginx.conf of the TLS comparison: nginx terminating TLS in front of Icecast the way
// operators put it there (docs/gateway-security.md#nginx-in-front-of-icecast): proxy_buffering off, HTTP/1.1 upstream,
// long read timeout; the gateway's TLS profile (Mozilla intermediate) and certificate; every
// path (pid, logs, temp files) inside one temporary directory (pure).
import { INTERMEDIATE_CIPHERS } from '../gateway/tls/options.ts';

export interface NginxConfigOptions {
  /** The TLS listener port on 127.0.0.1. */
  port: number;
  /** Icecast on 127.0.0.1. */
  upstreamPort: number;
  /** The temporary prefix directory: pid, logs and temp paths go there. */
  dir: string;
  cert: string;
  key: string;
  /** Listeners it must hold: each takes a client and an upstream connection. */
  listeners: number;
}

/** One worker, as the gateway is one process; the comparison sums every process of each stack anyway. */
export const NGINX_WORKERS = 1;

export function nginxConfig(o: NginxConfigOptions): string {
  const connections = 2 * o.listeners + 200;
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${o.dir}/${t};`).join('\n');
  return `worker_processes ${NGINX_WORKERS};
worker_rlimit_nofile ${connections + 100};
pid ${o.dir}/nginx.pid;
error_log ${o.dir}/error.log warn;
events { worker_connections ${connections}; }
http {
  access_log off;
${temp}
  server {
    listen 127.0.0.1:${o.port} ssl;
    ssl_certificate ${o.cert};
    ssl_certificate_key ${o.key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ${INTERMEDIATE_CIPHERS.split(':').filter((c) => !c.startsWith('TLS_')).join(':')};
    ssl_prefer_server_ciphers off;
    location / {
      proxy_pass http://127.0.0.1:${o.upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 3600s;
    }
  }
}
`;
}
