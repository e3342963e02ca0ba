/**
 * A Service's loopback address: a TCP proxy on 127.0.0.1 (random port) that sends each new
 * connection to the next ready endpoint, round robin, as kube-proxy does per connection (L4, so a
 * kept-alive HTTP connection stays on one pod). No ready endpoint → the connection is reset, as
 * kube-proxy's REJECT rule for a Service without endpoints answers.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** One Service's proxy. */
export class ServiceProxy {
  private server?: Server;
  private next = 0;
  private readonly sockets = new Set<Socket>();
  /** Connections per backend port, for tests of the spread. */
  readonly picks = new Map<number, number>();
  port = 0;

  /** `endpoints` returns the backend ports that are ready right now. */
  constructor(private readonly endpoints: () => number[]) {}

  /** Listens on 127.0.0.1:0. */
  async start(): Promise<number> {
    const server = createServer((client) => this.route(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
  }

  private route(client: Socket): void {
    this.track(client);
    const eps = this.endpoints();
    if (eps.length === 0) {
      client.resetAndDestroy();
      return;
    }
    const port = eps[this.next++ % eps.length]!;
    this.picks.set(port, (this.picks.get(port) ?? 0) + 1);
    const upstream = connect(port, '127.0.0.1');
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    // A backend that went away mid-connection: the client sees a reset, as with a killed pod.
    upstream.on('error', () => client.resetAndDestroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  }

  /** Closes the listener and every proxied connection. */
  async dispose(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
