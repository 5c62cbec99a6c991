// The icecast.xml the comparison runs use: the same limits as the relay child (queue 512 KiB,
// burst 64 KiB), loopback only, logs in a temporary directory (pure).

export interface IcecastConfigOptions {
  port: number;
  clients: number;
  /** A directory the unprivileged user Icecast switches to can write (logs). */
  dir: string;
  sourcePassword: string;
  adminPassword: string;
  /** The <admin> contact, shown in /status-json.xsl. */
  admin: string;
  /** Icecast refuses to run as root without <changeowner> (docs/icecast-compatibility.md#icecast-refuses-root). */
  changeOwner: { user: string; group: string } | null;
  /** A second, TLS listen socket, and the PEM file (certificate and key) it serves. */
  tls?: { port: number; pem: string };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function icecastConfig(o: IcecastConfigOptions): string {
  const owner = o.changeOwner
    ? `<changeowner><user>${xml(o.changeOwner.user)}</user><group>${xml(o.changeOwner.group)}</group></changeowner>`
    : '';
  return `<icecast>
  <location>bench</location>
  <admin>${xml(o.admin)}</admin>
  <hostname>127.0.0.1</hostname>
  <limits>
    <clients>${o.clients}</clients>
    <sources>2</sources>
    <queue-size>524288</queue-size>
    <burst-size>65536</burst-size>
    <header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout>
  </limits>
  <authentication>
    <source-password>${xml(o.sourcePassword)}</source-password>
    <admin-user>admin</admin-user>
    <admin-password>${xml(o.adminPassword)}</admin-password>
  </authentication>
  <listen-socket><port>${o.port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
${o.tls ? `  <listen-socket><port>${o.tls.port}</port><bind-address>127.0.0.1</bind-address><ssl>1</ssl></listen-socket>\n` : ''}  <fileserve>0</fileserve>
  <paths>
    <logdir>${xml(o.dir)}</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
${o.tls ? `    <ssl-certificate>${xml(o.tls.pem)}</ssl-certificate>\n` : ''}  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>2</loglevel>
  </logging>
  <security><chroot>0</chroot>${owner}</security>
</icecast>
`;
}
