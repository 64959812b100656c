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

/** How often a process standing by tries to take the lead: a leader killed is replaced this soon. */
const leaderRetryMs = 5_000;

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
    { Leadership },
    { checkpointsChannel },
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
    import('./platform/subscriptions/leadership.js'),
    import('./platform/subscriptions/checkpoints.js'),
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
      checkpointsMoved: (wake) => runtime.database.listen(checkpointsChannel, wake),
    },
    // PGlite has one process and one connection: every append's notification arrives and no
    // commit is held back, so the poll is only a safety net there.
    { pollIntervalMs: runtime.database.kind === 'pglite' ? 5_000 : 500 },
  );
  // The embedded default starts with demo data; a PostgreSQL deployment starts empty.
  const demoAccounts = config.DATABASE_URL ? null : await seedDemo(runtime, config);
  const mailSender = new MailSender({
    database: runtime.database,
    transport: createMailTransport(config, runtime.database.db),
    from: config.MAIL_FROM,
    logger,
  });
  // Of several processes on one PostgreSQL, one applies the projections and runs the timed jobs;
  // every one sends mail (each message claimed by one) and serves pages.
  const leadership = new Leadership(runtime.database, { retryMs: leaderRetryMs, logger });
  let timedJobs: { stop(): void }[] = [];
  const startTimedJobs = () => [
    startHousekeeping({ db: runtime.database.db, store: runtime.eventStore, clock }, logger),
    startTreeHeadSigning(
      {
        db: runtime.database.db,
        store: runtime.eventStore,
        seal: runtime.seal,
        origin: headOrigin(config.UTILITY_NAME),
        clock,
        witness: runtime.headWitness,
      },
      logger,
    ),
    startReminders(
      {
        db: runtime.database.db,
        store: runtime.eventStore,
        clock,
        // Decided from read models at the log's head: at start they may still be catching up.
        readModelsReady: async () =>
          projections.waitFor(await runtime.eventStore.headPosition(), 120_000),
      },
      logger,
    ),
  ];
  await leadership.start({
    lead: async () => {
      await projections.lead();
      timedJobs = startTimedJobs();
    },
    follow: async () => {
      for (const job of timedJobs) job.stop();
      timedJobs = [];
      await projections.standBy();
    },
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
    sealPublicKey: runtime.seal.publicKey,
    eventTagKey: runtime.tagKey,
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
      await app.close(); // stops accepting, lets requests in flight finish
      // The timed jobs stop, the projections at a committed checkpoint; then another process
      // takes the lead.
      await leadership.stop(async () => {
        for (const job of timedJobs) job.stop();
        await projections.stop();
      });
      await mailSender.stop(); // after the projections, which may still queue mail
      await runtime.close();
    },
  };
}
