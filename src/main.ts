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
 * The heap kept near what it holds live. By default V8 lets a busy heap grow to several times
 * its live data before it collects: under bench:declarations' 20 declarants a portal process
 * peaked at 330–370 MB resident with under 50 MB live. Favouring size keeps it near 230 MB at
 * the same submissions/s and CPU per submission, with no ceiling to crash into. V8 reads the
 * flag as it decides each collection, so setting it here, before the portal loads, is in time;
 * it holds for the whole process, the PDF thread included.
 */
v8.setFlagsFromString('--optimize-for-size');

/**
 * `npm start`: the portal on the configured storage, until SIGTERM or Ctrl-C; with WORKERS=n,
 * n processes of it (src/cluster.ts), this file being each worker too.
 */
async function main(): Promise<void> {
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
