import cluster from 'node:cluster';
import { createServer } from 'node:net';
import v8 from 'node:v8';
import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './platform/db/dataDirLock.js';
import type { DemoAccount } from './dev/seedDemo.js';
import type { WorkerReady } from './cluster.js';
import { printDemoIdentities } from './dev/demoIdentities.js';

/**
 * After each full collection the heap may grow to 1.5 times what survived it, always; V8's own
 * factor runs from 1.1 to 4, highest when the process is busy. Under 20 declarants' load a
 * portal process held under 50 MB live in a heap of 130–150 MB. One bench:app run each, on this
 * 2-core machine: peak RSS 390 → 326 MB (PostgreSQL) and 608 → 484 MB (PGlite), CPU per save
 * unchanged (single runs vary more than that). `--optimize-for-size` went lower (242 and 398 MB)
 * but slowed V8's own code: a declaration step save took 107 ms of CPU instead of 27. No
 * ceiling: a job that needs more gets it. V8 reads the flag after each full collection, so it is
 * in time set here.
 */
v8.setFlagsFromString('--heap-growing-percent=50');

/**
 * `npm start`: the portal on the configured storage, until SIGTERM or Ctrl-C; with WORKERS=n,
 * n processes of it (src/cluster.ts), this file being each worker too.
 */
async function main(): Promise<void> {
  // Started by npm start's launcher (scripts/start.mjs): if it is killed, this one stops as on
  // SIGTERM rather than go on holding the port and the data folder.
  if (!cluster.isWorker && process.channel) {
    process.channel.unref();
    // Its SIGTERM handler (a signal sent to itself would end it at once on Windows); before
    // there is one, nothing is open to close.
    process.once('disconnect', () =>
      process.listenerCount('SIGTERM') > 0 ? process.emit('SIGTERM', 'SIGTERM') : process.exit(1),
    );
  }
  const config = loadConfig();
  if (cluster.isPrimary) await portIsFree(config.HOST, config.PORT);
  if (cluster.isPrimary && config.WORKERS > 1) {
    const { runCluster } = await import('./cluster.js');
    return runCluster(config);
  }
  const logger = pino({ level: config.LOG_LEVEL });
  const { startPortal } = await import('./portal.js');
  const portal = await startPortal(config, logger);

  let closing = false;
  // A worker of several stops quietly: the primary speaks for all of them (src/cluster.ts).
  const say = (line: string) => cluster.isPrimary && console.log(line);
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    say(`Arresto in corso (${signal})…`);
    await portal.stop();
    say('Arresto completato.');
    process.exit(0);
  };
  // Not once: Ctrl-C reaches a worker twice (from the terminal and from the primary), and a
  // second signal with no handler would kill it in the middle of stopping.
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));

  if (cluster.isWorker) {
    const ready: WorkerReady = { ready: { url: portal.url, storageLabel: portal.storageLabel } };
    process.send?.(ready);
    return;
  }
  console.log(`\nDichiara è pronto: ${portal.url}\nArchivio: ${portal.storageLabel}\n`);
  if (portal.demoAccounts) printDemoAccounts(portal.demoAccounts, portal.url, portal.servesMailbox);
  if (portal.servesLocalIdentityProvider) printDemoIdentities(portal.url);
}

/** A port already taken is told at once, not after the storage is opened and the demo seeded. */
async function portIsFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function printDemoAccounts(accounts: readonly DemoAccount[], url: string, mailbox: boolean): void {
  console.log('Dati dimostrativi creati. Account (nome utente / password):');
  for (const account of accounts)
    console.log(`  ${account.role.padEnd(20)} ${account.username.padEnd(12)} ${account.password}`);
  const outbox = mailbox ? ` · posta in uscita: ${url}/dev/mailbox` : '';
  console.log(`Accesso: ${url}/accesso${outbox}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error('La porta è già in uso da un altro programma: indicarne un’altra con PORT.');
  } else {
    console.error('Avvio non riuscito:', error);
  }
  process.exit(1);
});
