import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';

/** How often, at most, other processes are told of new events (NOTIFY). */
const notifyIntervalMs = 50;

/**
 * Wake-ups of the readers after appends. This process's own readers are called at once, without
 * the database. Other processes hear a NOTIFY, sent after the commit and outside it (NOTIFY holds
 * a server-wide lock through a commit), at most once per interval: one per append would cost a
 * transaction each, more than the append. A wake-up lost or late is covered by the readers'
 * polling. The NOTIFY names its sender, whose readers were woken already and do not read again.
 */
export function appendWakeUps(database: Database) {
  const local = new Set<() => void>();
  const sender = randomUUID();
  const notifyOthers = throttled(
    () => sql`select pg_notify('events', ${sender})`.execute(database.db),
    notifyIntervalMs,
  );
  return {
    afterAppend(): void {
      for (const listener of local) queueMicrotask(listener);
      notifyOthers();
    },
    async onAppended(listener: () => void): Promise<() => Promise<void>> {
      local.add(listener);
      const unlisten = await database.listen('events', (from) => {
        if (from !== sender) listener();
      });
      return async () => {
        local.delete(listener);
        await unlisten();
      };
    },
  };
}

/**
 * Runs `send` at once when it has not run for `intervalMs`, otherwise once at the end of the
 * interval for all the calls made meanwhile.
 */
function throttled(send: () => Promise<unknown>, intervalMs: number): () => void {
  let last = -Infinity;
  let pending = false;
  const run = async () => {
    pending = false;
    last = performance.now();
    await send().catch(() => undefined);
  };
  return () => {
    if (pending) return;
    const wait = last + intervalMs - performance.now();
    if (wait <= 0) {
      last = performance.now();
      void run();
      return;
    }
    pending = true;
    setTimeout(() => void run(), wait).unref();
  };
}
