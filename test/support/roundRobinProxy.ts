import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  readonly url: string;
  /** The portals behind it, by base URL; replaced as processes are restarted. */
  upstreams: string[];
  /** Requests answered by each upstream, by its base URL. */
  readonly answered: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A load balancer as simple as they come: each request to the next upstream in turn, nothing
 * sticky. An upstream that refuses the connection (a process killed) is skipped for the next;
 * one that dies with the request in it answers 502, as a real balancer would.
 */
export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let turn = 0;
  const answered = new Map<string, number>();
  const proxy: RoundRobinProxy = {
    url: '',
    upstreams: [],
    answered,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const forward = (
    upstream: string,
    incoming: IncomingMessage,
    body: Buffer,
    outgoing: ServerResponse,
  ) =>
    new Promise<'refused' | 'done'>((resolve) => {
      const target = new URL(incoming.url ?? '/', upstream);
      // The Host the client asked for goes on, as a balancer in front of a site keeps it: what
      // the portal builds from it (the local provider's addresses) must be the balancer's.
      const sent = request(
        target,
        { method: incoming.method, headers: incoming.headers },
        (response) => {
          answered.set(upstream, (answered.get(upstream) ?? 0) + 1);
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
          response.on('end', () => resolve('done'));
          response.on('error', () => {
            outgoing.destroy();
            resolve('done');
          });
        },
      );
      sent.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') return resolve('refused');
        if (!outgoing.headersSent) outgoing.writeHead(502).end('Bad Gateway');
        else outgoing.destroy();
        resolve('done');
      });
      sent.end(body);
    });

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        for (let tries = 0; tries < proxy.upstreams.length; tries++) {
          const upstream = proxy.upstreams[turn++ % proxy.upstreams.length]!;
          if ((await forward(upstream, incoming, body, outgoing)) === 'done') return;
        }
        outgoing.writeHead(502).end('Bad Gateway: no upstream answers');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, { url: `http://127.0.0.1:${port}` });
}
