import type { FastifyBaseLogger } from 'fastify';
import type { KeyObject } from 'node:crypto';
import type { HeadWitness } from './audit/headWitness.js';
import type { Config } from './config.js';
import type { Database } from './platform/db/database.js';
import type { EventStore } from './platform/eventStore/eventStore.js';
import type { ProjectionRunner } from './platform/subscriptions/projectionRunner.js';

export type Clock = () => Date;

/** Everything the app needs, built by the composition root (src/main.ts) or by a test. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: FastifyBaseLogger;
  readonly clock: Clock;
  readonly database: Database;
  readonly eventStore: EventStore;
  readonly projections: ProjectionRunner;
  readonly cookieSecret: string;
  /** The public half of the key that signs the log's tree heads, published at /trasparenza. */
  readonly sealPublicKey: KeyObject;
  /** The secret of the events' tags, derived from the signing key (eventTags.ts). */
  readonly eventTagKey: KeyObject;
  /** The largest head signed, kept outside the database, for the integrity check. */
  readonly headWitness: HeadWitness;
}

/**
 * What a page that records and reads needs: the clock, the read models, the log, and the runner
 * a command waits on until its read models have caught up. Each area takes this, plus what it
 * names below.
 */
export type AreaDeps = Pick<AppDeps, 'clock' | 'database' | 'eventStore' | 'projections'>;

/** Accounts sign codes and first-access passwords with the cookie secret, and read settings. */
export type AccountsDeps = AreaDeps & Pick<AppDeps, 'config' | 'cookieSecret'>;

/** Declarations read the utility's name and the upload settings. */
export type DeclarationsDeps = AreaDeps & Pick<AppDeps, 'config'>;

/** The observatory logs its identity provider's trouble and reads its settings. */
export type ObservatoryDeps = AreaDeps & Pick<AppDeps, 'config' | 'logger'>;

/** The stand-ins read the settings that say whether they run, and the local mailbox's table. */
export type DevDeps = Pick<AppDeps, 'config' | 'database' | 'logger'>;

/** The auditors' section and the public transparency page, which publishes the key. */
export type AuditDeps = AreaDeps & Pick<AppDeps, 'sealPublicKey' | 'eventTagKey' | 'headWitness'>;

/** The health probes ask the database, the log and the read models. */
export type HealthDeps = Pick<AppDeps, 'database' | 'eventStore' | 'projections'>;
