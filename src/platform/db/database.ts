import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { sharedBuffersFor } from './pgliteBuffers.js';
import type { Schema } from './schema.js';

export type DatabaseKind = 'postgres' | 'pglite';

/** How soon a LISTEN connection lost is made again, and again while the server is away. */
const listenRetryMs = 1_000;

/** One database, whichever engine: kysely for queries, `listen` for LISTEN/NOTIFY wake-ups. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Schema>;
  /**
   * `onNotify` hears each notification's payload, and an empty one when a lost connection is
   * back: what was sent meanwhile is not known, so each listener takes it as a notification.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Takes the lock `name` for this process if no other holds it (a session advisory lock on a
   * connection of its own, let go when the connection ends, the process killed included); null
   * when another process holds it.
   */
  tryLock(name: string): Promise<HeldLock | null>;
  close(): Promise<void>;
}

export interface HeldLock {
  /** Settles when the lock is gone without release(): its connection was lost. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

/** How often a held lock's connection is asked whether it is still there. */
const lockCheckMs = 5_000;

export async function openPostgres(
  url: string,
  options: { poolSize?: number } = {},
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 20 });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next checkout.
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  await db.selectNoFrom((eb) => eb.val(1).as('ok')).execute();
  return {
    kind: 'postgres',
    db,
    async listen(channel, onNotify) {
      let client: pg.Client | null = null;
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;
      const connect = async () => {
        // Probed like the leader's lock: a server gone is found and the connection made again.
        const next = new pg.Client({ connectionString: url, keepAlive: true });
        next.on('notification', (message) => {
          if (message.channel === channel) onNotify(message.payload ?? '');
        });
        // An error ends the connection: 'end' below makes it again.
        next.on('error', () => undefined);
        try {
          await next.connect();
          await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        } catch (error) {
          await next.end().catch(() => undefined);
          throw error;
        }
        client = next;
        // Stopped while this one was being made: it goes too.
        if (stopped) await next.end();
        next.once('end', () => {
          if (!stopped) retry = setTimeout(reconnect, listenRetryMs);
        });
      };
      // Some notifications may have gone by while the connection was down: heard as one.
      const reconnect = () =>
        void connect().then(
          () => onNotify(''),
          () => {
            if (!stopped) retry = setTimeout(reconnect, listenRetryMs);
          },
        );
      await connect();
      return async () => {
        stopped = true;
        clearTimeout(retry);
        await client?.end().catch(() => undefined);
      };
    },
    async tryLock(name) {
      // A leader's host gone (not merely its process) must let the lock go within seconds: the
      // server probes the connection (tcp_keepalives_*), and so does this end.
      const client = new pg.Client({
        connectionString: url,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        query_timeout: lockCheckMs,
      });
      let lose = () => {};
      const lost = new Promise<void>((resolve) => (lose = resolve));
      client.on('error', () => lose());
      client.on('end', () => lose());
      await client.connect();
      try {
        await client.query(
          'set tcp_keepalives_idle = 10; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3',
        );
        const { rows } = await client.query<{ taken: boolean }>(
          'select pg_try_advisory_lock(hashtextextended($1, 0)) as taken',
          [name],
        );
        if (!rows[0]?.taken) {
          await client.end();
          return null;
        }
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      // A connection cut by the network tells nothing until it is used: it is asked now and then.
      const check = setInterval(() => {
        client.query('select 1').catch(() => lose());
      }, lockCheckMs);
      check.unref();
      void lost.then(() => clearInterval(check));
      let released = false;
      return {
        lost: lost.then(() => {
          if (released) return new Promise<void>(() => {});
        }),
        async release() {
          released = true;
          clearInterval(check);
          await client.end().catch(() => undefined);
        },
      };
    },
    async close() {
      await db.destroy();
    },
  };
}

/**
 * PGlite: real PostgreSQL in-process. `dataDir` is a folder, or 'memory://' for tests; `from` a
 * data directory dumped by `dumpDataDir`, loaded instead of running initdb (a migrated template).
 */
export async function openPglite(dataDir: string, from?: Blob): Promise<Database> {
  const buffers = await sharedBuffersFor(dataDir);
  const pglite = await PGlite.create(dataDir, {
    ...(from ? { loadDataDir: from } : {}),
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${buffers}MB`],
  });
  return pgliteDatabase(pglite, () => pglite.close());
}

/**
 * Statement names given on a PGlite connection, at most, and what a statement may be to get one:
 * the short ones with few parameters that run again and again (a session's lookup, a stream's
 * tail), not a batch's upsert of a few hundred rows, whose text changes with its row count.
 */
const prepared = { maxNames: 200, maxParameters: 16, maxLength: 4_096 };

/**
 * An error after which a named statement is no longer on the connection, though node-postgres
 * thinks it is: a value it could not send (it closed the statement), the statement unknown to the
 * server, or its plan no longer returning the same columns (a table changed under `select *`).
 */
const lostStatement = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === undefined || code === '26000' || code === '0A000';
};

/**
 * The pool, its short statements with parameters prepared by name on first use: PGlite parses and
 * plans each statement on this process's main thread, and for the session's lookup that took
 * longer than running it (1.5 of its 2 ms). A prepared one is parsed once, and after its first
 * runs PostgreSQL keeps one plan for it where that plan costs no more (most of ours: a key
 * looked up). Statements without parameters (BEGIN, a migration's several statements) go as they
 * are, by the simple protocol, and so do the long ones and those beyond the names given.
 */
function preparing(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  // Another wrapper on the same PGlite instance (the tests reuse them) names its own.
  const prefix = `dichiara_${randomUUID().slice(0, 8)}`;
  let given = 0;
  const nameOf = (text: string, values: readonly unknown[]): string | undefined => {
    const known = names.get(text);
    if (known !== undefined) return known;
    if (
      values.length > prepared.maxParameters ||
      text.length > prepared.maxLength ||
      given >= prepared.maxNames
    )
      return undefined;
    const name = `${prefix}_${given++}`;
    names.set(text, name);
    return name;
  };
  // Kysely keeps one connection object per client: the same client gets the same wrapper.
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        wrapper = {
          // Kysely streams through no cursor here (none is configured): a text, and its values.
          query: (async (text: string, values?: unknown[]) => {
            const name = values?.length ? nameOf(text, values) : undefined;
            if (!name) return client.query(text, values);
            try {
              return await client.query({ name, text, values });
            } catch (error) {
              // Its next run is prepared again, under a new name.
              if (lostStatement(error)) names.delete(text);
              throw error;
            }
          }) as unknown as PostgresPoolClient['query'],
          release: () => client.release(),
        };
        wrapped.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/** A PGlite instance as a Database; `release` runs on close, once kysely has let go of it. */
export function pgliteDatabase(pglite: PGlite, release: () => Promise<void>): Database {
  // One connection: node-postgres' pool hands it out to one query or transaction at a time.
  const pool = new pg.Pool(createPgConfig(pglite));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparing(pool) }) });
  return {
    kind: 'pglite',
    db,
    async listen(channel, onNotify) {
      // pglite.listen() runs LISTEN on the instance itself: hold the pool's one connection so it
      // cannot interleave with a query in the middle of its protocol exchange.
      const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
        const client = await pool.connect();
        try {
          return await work();
        } finally {
          client.release();
        }
      };
      const unlisten = await exclusive(() =>
        pglite.listen(channel, (payload) => onNotify(payload)),
      );
      return () => exclusive(unlisten);
    },
    // One process holds the data directory (dataDirLock.ts): every lock is its own.
    tryLock: async () => ({ lost: new Promise<void>(() => {}), release: async () => {} }),
    async close() {
      await db.destroy();
      await release();
    },
  };
}
