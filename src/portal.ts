import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { DemoAccount } from './dev/seedDemo.js';
import { displayHost, openRuntime } from './runtime.js';

/** The portal running: where it answers, what it keeps its data in, and how to stop it. */
export interface Portal {
  readonly url: string;
  readonly storageLabel: string;
  /** The demo accounts made on this start (the embedded default's first one), or null. */
  readonly demoAccounts: readonly DemoAccount[] | null;
  /** Whether the local mailbox and the local SPID stand-in are served (printed at start). */
  readonly servesMailbox: boolean;
  readonly servesLocalIdentityProvider: boolean;
  /** Stops accepting, finishes requests in flight, stops at committed checkpoints. */
  stop(): Promise<void>;
}

/**
 * Composition root: config → database → event store → projections → app → listen. src/main.ts
 * runs it for `npm start`; the browser journeys run it too.
 */
export async function startPortal(config: Config, logger: FastifyBaseLogger): Promise<Portal> {
  const runtime = await openRuntime(config);
  // The app's modules load once the storage is open: a data folder in use is told before they are.
  const [
    { createProjections },
    { buildApp },
    { MailSender },
    { createMailTransport },
    { ProjectionRunner },
    { seedDemo },
    { usesLocalIdentityProvider },
    { servesLocalMailbox },
    { startHousekeeping },
    { startTreeHeadSigning, headOrigin },
    { startReminders },
  ] = await Promise.all([
    import('./subscribers.js'),
    import('./app.js'),
    import('./platform/mail/mailSender.js'),
    import('./platform/mail/mailTransport.js'),
    import('./platform/subscriptions/projectionRunner.js'),
    import('./dev/seedDemo.js'),
    import('./dev/index.js'),
    import('./dev/mailbox.route.js'),
    import('./accounts/housekeeping.js'),
    import('./audit/treeHeadSigning.js'),
    import('./reminders/runReminders.js'),
  ]);
  const clock = () => new Date();
  const secret = runtime.cookieSecret;
  let publicUrl = runtime.publicUrl;
  const projections = new ProjectionRunner(
    {
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
        seal: runtime.seal,
        headWitness: runtime.headWitness,
      }),
      logger,
    },
    // PGlite has one process and one connection: every append's notification arrives and no
    // commit is held back, so the poll is only a safety net there.
    { pollIntervalMs: runtime.database.kind === 'pglite' ? 5_000 : 500 },
  );
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
  const housekeeping = startHousekeeping(
    { db: runtime.database.db, store: runtime.eventStore, clock },
    logger,
  );
  const headSigning = startTreeHeadSigning(
    {
      db: runtime.database.db,
      store: runtime.eventStore,
      seal: runtime.seal,
      origin: headOrigin(config.UTILITY_NAME),
      clock,
      witness: runtime.headWitness,
    },
    logger,
  );
  const reminders = startReminders(
    {
      db: runtime.database.db,
      store: runtime.eventStore,
      clock,
      // Decided from read models at the log's head: at start they may still be catching up.
      readModelsReady: async () =>
        projections.waitFor(await runtime.eventStore.headPosition(), 120_000),
    },
    logger,
  );
  const app = await buildApp({
    config,
    logger,
    clock,
    database: runtime.database,
    eventStore: runtime.eventStore,
    projections,
    cookieSecret: secret,
    sealPublicKey: runtime.seal.publicKey,
    headWitness: runtime.headWitness,
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  publicUrl = config.PUBLIC_URL ?? `http://${displayHost(config.HOST)}:${port}`;
  return {
    url: publicUrl,
    storageLabel: runtime.storageLabel,
    demoAccounts,
    servesMailbox: servesLocalMailbox(config),
    servesLocalIdentityProvider: usesLocalIdentityProvider(config),
    async stop() {
      housekeeping.stop();
      headSigning.stop();
      reminders.stop();
      await app.close(); // stops accepting, lets requests in flight finish
      await projections.stop(); // at a committed checkpoint
      await mailSender.stop(); // after the projections, which may still queue mail
      await runtime.close();
    },
  };
}
