import cluster, { type Worker } from 'node:cluster';
import { withAllocatorSettings } from './allocator.js';
import type { Config } from './config.js';
import { prepareDataDir } from './runtime.js';

/** What a worker tells the primary once it listens: the banner is printed once, by the primary. */
export interface WorkerReady {
  readonly ready: { readonly url: string; readonly storageLabel: string };
}

const isReady = (message: unknown): message is WorkerReady =>
  typeof message === 'object' && message !== null && 'ready' in message;

/** A worker that died within this long of its start is not restarted at once, but after a pause. */
const restartPauseMs = 2_000;

/**
 * `WORKERS=n npm start`: n portal processes sharing the port, the primary handing connections
 * round robin and restarting a worker that dies. Nothing is sticky: every process reads and
 * writes the same PostgreSQL, and the jobs that must run once take their turn there.
 */
export async function runCluster(config: Config): Promise<void> {
  // The secrets kept in DATA_DIR are made here, once, before the workers read them.
  prepareDataDir(config);
  cluster.setupPrimary({ silent: false });
  let stopping = false;
  let announced = false;
  const ready = new Set<number>();

  const fork = (): Worker => {
    const worker = cluster.fork(withAllocatorSettings(process.env));
    const bornAt = Date.now();
    worker.on('message', (message: unknown) => {
      if (!isReady(message)) return;
      ready.add(worker.id);
      if (announced || ready.size < config.WORKERS) return;
      announced = true;
      console.log(
        `\nDichiara è pronto: ${message.ready.url}\nArchivio: ${message.ready.storageLabel}\n` +
          `Processi: ${config.WORKERS} (pid ${Object.values(cluster.workers ?? {})
            .map((each) => each?.process.pid)
            .join(', ')})\n`,
      );
    });
    worker.on('exit', (code, signal) => {
      ready.delete(worker.id);
      if (stopping) return;
      console.error(
        `Il processo ${worker.process.pid} si è fermato (${signal ?? `codice ${code}`}): ne avvio un altro.`,
      );
      const pause = Date.now() - bornAt < restartPauseMs ? restartPauseMs : 0;
      setTimeout(() => {
        if (!stopping) fork();
      }, pause);
    });
    return worker;
  };
  for (let index = 0; index < config.WORKERS; index++) fork();

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`Arresto in corso (${signal})…`);
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      worker.once('exit', () => {
        if (--left === 0) {
          console.log('Arresto completato.');
          process.exit(0);
        }
      });
      worker.process.kill(signal);
    }
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
