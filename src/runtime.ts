import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { lockDataDir } from './platform/db/dataDirLock.js';
import { writeOnce } from './platform/db/writeOnce.js';
import { openPglite, openPostgres, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import type { EventStore } from './platform/eventStore/eventStore.js';
import { createPostgresEventStore } from './platform/eventStore/postgresEventStore.js';
import { cachingEventStore } from './platform/eventStore/streamCache.js';
import { foldMemory } from './platform/eventStore/foldStream.js';
import { sealKeyFrom, type SealKey } from './platform/transparency/treeHead.js';
import { tagKeyFrom } from './platform/eventStore/eventTags.js';
import { KeyVault } from './platform/personalData/keyVault.js';
import { sealedEventStore } from './platform/personalData/sealedEventStore.js';
import { personalDataRules } from './accounts/personalFields.js';
import { fileWitness, type HeadWitness } from './audit/headWitness.js';
import { treeSize } from '../projections/audit/merkleTree.js';

/** The storage the configuration asks for, migrated and ready; `close` releases all of it. */
export interface Runtime {
  readonly database: Database;
  readonly eventStore: EventStore;
  /** Where the data lives, for the start-up banner. */
  readonly storageLabel: string;
  /** True when events live in KurrentDB rather than in the database. */
  readonly usesKurrent: boolean;
  /** Signs cookies and derives the one-time codes. */
  readonly cookieSecret: string;
  /** Signs the log's tree heads (src/platform/transparency/treeHead.ts). */
  readonly seal: SealKey;
  /** The secret the store tags each event with, derived from the seal (eventTags.ts). */
  readonly tagKey: KeyObject;
  /** The largest head signed here, kept beside the key, outside the database. */
  readonly headWitness: HeadWitness;
  /** Where people reach the portal, for links in mails (the configured port until it listens). */
  readonly publicUrl: string;
  close(): Promise<void>;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  let unlock = () => {};
  let database: Database;
  let storageLabel: string;
  if (config.DATABASE_URL) {
    database = await openPostgres(config.DATABASE_URL);
    storageLabel = `PostgreSQL ${new URL(config.DATABASE_URL).host}`;
  } else {
    const dataDir = resolve(config.DATA_DIR);
    unlock = lockDataDir(dataDir);
    try {
      database = await openPglite(join(dataDir, 'pglite'));
    } catch (error) {
      unlock();
      throw error;
    }
    storageLabel = `PGlite in ${dataDir}`;
  }
  // Whatever fails from here on closes what was opened: a start that fails leaves nothing behind.
  let eventStore: EventStore | null = null;
  try {
    await migrateToLatest(database.db);
    const seal = sealKey(config);
    const tagKey = tagKeyFrom(seal);
    // The KurrentDB client (gRPC) is loaded only by a deployment that uses it.
    const plainStore = config.KURRENTDB_URL
      ? (await import('./platform/eventStore/kurrentEventStore.js')).createKurrentEventStore(
          config.KURRENTDB_URL,
          { tagKey },
        )
      : createPostgresEventStore(database, { tagKey });
    eventStore = await portalEventStore(
      plainStore,
      database,
      new KeyVault(database.db, personalDataKey(config)),
    );
    if (config.KURRENTDB_URL) storageLabel += ` + KurrentDB ${new URL(config.KURRENTDB_URL).host}`;
    const headWitness = fileWitness(join(resolve(config.DATA_DIR), 'testa-firmata.json'));
    // The events already in the log the first time a portal that tags its events runs here may
    // carry none: counted then, kept beside the head, outside the database.
    await headWitness.keepUntaggedBelow(() => eventsInLog(database, config));
    const store = eventStore;
    return {
      database,
      eventStore: store,
      storageLabel,
      usesKurrent: Boolean(config.KURRENTDB_URL),
      cookieSecret: cookieSecret(config),
      seal,
      tagKey,
      headWitness,
      publicUrl: config.PUBLIC_URL ?? `http://${displayHost(config.HOST)}:${config.PORT}`,
      async close() {
        await store.close();
        await database.close();
        unlock();
      },
    };
  } catch (error) {
    await eventStore?.close();
    await database.close();
    unlock();
    throw error;
  }
}

/**
 * The store as the portal reads it: the streams read and the states folded from them remembered,
 * personal fields sealed under the vault's keys, every erasure heard as it commits.
 */
export async function portalEventStore(
  plain: EventStore,
  database: Pick<Database, 'listen'>,
  vault: KeyVault,
): Promise<EventStore> {
  const sealed = sealedEventStore(cachingEventStore(plain), vault, personalDataRules);
  const stopHearing = await vault.hearErasures(database);
  return {
    ...sealed,
    folds: foldMemory({ erasures: () => vault.erasures }),
    async close() {
      await stopHearing();
      await sealed.close();
    },
  };
}

/**
 * Makes the secrets kept in DATA_DIR that the configuration does not give: run once before
 * several processes start, so that they read the same ones rather than race to make them.
 */
export function prepareDataDir(config: Config): void {
  cookieSecret(config);
  sealKey(config);
  personalDataKey(config);
}

/** Production takes SEAL_PRIVATE_KEY; elsewhere a key is made once and kept in DATA_DIR. */
function sealKey(config: Config): SealKey {
  if (config.SEAL_PRIVATE_KEY) return sealKeyFrom(config.SEAL_PRIVATE_KEY.replaceAll('\\n', '\n'));
  const pem = keptInDataDir(config, 'seal-key.pem', () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  return sealKeyFrom(pem);
}

export const displayHost = (host: string): string => (host === '0.0.0.0' ? 'localhost' : host);

/** Production takes COOKIE_SECRET; elsewhere a secret is made once and kept in DATA_DIR. */
const cookieSecret = (config: Config): string =>
  config.COOKIE_SECRET ?? keptInDataDir(config, 'cookie-secret');

/** Production takes PERSONAL_DATA_KEY; elsewhere the key is made once and kept in DATA_DIR. */
const personalDataKey = (config: Config): Buffer =>
  Buffer.from(config.PERSONAL_DATA_KEY ?? keptInDataDir(config, 'personal-data-key'), 'base64');

/** The events in the log now; on KurrentDB, the tree's size: its events are not in this database. */
async function eventsInLog(database: Database, config: Config): Promise<number> {
  if (config.KURRENTDB_URL) return treeSize(database.db);
  const { n } = await database.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** 32 random bytes, base64url (which reads as base64). */
const randomSecret = () => randomBytes(32).toString('base64url');

/**
 * A secret in DATA_DIR, made on the first start. Made whole beside it and linked into place, which
 * fails if it is there already: of processes starting at once, all read the one that came first.
 */
function keptInDataDir(config: Config, name: string, make: () => string = randomSecret): string {
  const dataDir = resolve(config.DATA_DIR);
  const file = join(dataDir, name);
  if (!existsSync(file)) writeOnce(file, make(), 0o600);
  return readFileSync(file, 'utf8').trim();
}

/**
 * The portal's address as main.ts prints it. With PORT=0 it is known only once the server
 * listens, hence a function, called at the first login rather than at start-up.
 */
export function portalUrlOf(app: FastifyInstance, config: Config): () => string {
  return () => {
    if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/+$/, '');
    const address = app.server.address();
    if (!address || typeof address === 'string') {
      throw new Error('The portal is not listening yet: its address is unknown');
    }
    return `http://${displayHost(config.HOST)}:${address.port}`;
  };
}
