import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/dataDirLock.js';
import type { DemoAccount } from './demo/seedDemo.js';
import { displayHost, openRuntime } from './runtime.js';

/** Composition root: config → database → event store → projections → app → listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  const runtime = await openRuntime(config);
  // The app's modules load once the storage is open: a wrong setting or a data folder in use is
  // told before they are.
  const [
    { createProjections },
    { buildApp },
    { MailSender },
    { createMailTransport },
    { ProjectionRunner },
    { seedDemo },
    { printDemoIdentities, usesLocalIdentityProvider },
    { servesLocalMailbox },
  ] = await Promise.all([
    import('../projections/index.js'),
    import('./app.js'),
    import('./mail/mailSender.js'),
    import('./mail/mailTransport.js'),
    import('./projections/projectionRunner.js'),
    import('./demo/seedDemo.js'),
    import('./observatory/identity/digitalIdentity.js'),
    import('./mail/mailbox.route.js'),
  ]);
  const clock = () => new Date();
  const secret = runtime.cookieSecret;
  let publicUrl = runtime.publicUrl;
  const projections = new ProjectionRunner({
    db: runtime.database.db,
    store: runtime.eventStore,
    projections: createProjections({
      db: runtime.database.db,
      store: runtime.eventStore,
      logger: logger,
      cookieSecret: secret,
      publicUrl: () => publicUrl,
      now: clock,
      utilityName: config.UTILITY_NAME,
    }),
    logger,
  });
  // The embedded default starts with demo data; a PostgreSQL deployment starts empty.
  const demoAccounts = config.DATABASE_URL ? null : await seedDemo(runtime, config);
  await projections.start();
  const mailSender = new MailSender({
    database: runtime.database,
    transport: createMailTransport(config, runtime.database.db),
    from: config.MAIL_FROM,
    logger,
  });
  await mailSender.start();
  const app = await buildApp({
    config,
    logger,
    clock,
    database: runtime.database,
    eventStore: runtime.eventStore,
    projections,
    cookieSecret: secret,
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`Arresto in corso (${signal})…`);
    await app.close(); // stops accepting, lets requests in flight finish
    await projections.stop(); // at a committed checkpoint
    await mailSender.stop(); // after the projections, which may still queue mail
    await runtime.close();
    console.log('Arresto completato.');
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));

  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  publicUrl = config.PUBLIC_URL ?? `http://${displayHost(config.HOST)}:${port}`;
  console.log(`\nDichiara è pronto: ${publicUrl}\nArchivio: ${runtime.storageLabel}\n`);
  if (demoAccounts) printDemoAccounts(demoAccounts, publicUrl, servesLocalMailbox(config));
  if (usesLocalIdentityProvider(config)) printDemoIdentities(publicUrl);
}

function printDemoAccounts(accounts: readonly DemoAccount[], url: string, mailbox: boolean): void {
  console.log('Dati dimostrativi creati. Account (nome utente / password):');
  for (const account of accounts)
    console.log(`  ${account.role.padEnd(9)} ${account.username.padEnd(12)} ${account.password}`);
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
