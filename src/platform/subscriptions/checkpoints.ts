import { sql, type Kysely } from 'kysely';
import type { Schema, StoredFailure } from '../db/schema.js';
import type { GlobalPosition } from '../eventStore/eventStore.js';
import { comparePositions, startOfLog } from '../eventStore/globalPosition.js';

/** Notified by each transaction that moves checkpoints, on commit. */
export const checkpointsChannel = 'dichiara_checkpoints';

/** Raised inside a transaction when another process moved a checkpoint since it was read. */
export class CheckpointMovedError extends Error {}

/** The subscriber's checkpoint, made at the start of the log the first time it is asked for. */
export async function loadCheckpoint(db: Kysely<Schema>, name: string): Promise<GlobalPosition> {
  await db
    .insertInto('projection_checkpoints')
    .values({ name, commit_position: 0n, prepare_position: 0n, updated_at: new Date() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('projection_checkpoints')
    .select(['commit_position', 'prepare_position'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) };
}

/** Locks the checkpoints of `names`, in name order, whatever they are at. */
export async function lockCheckpointRows(
  trx: Kysely<Schema>,
  names: readonly string[],
): Promise<void> {
  await trx
    .selectFrom('projection_checkpoints')
    .select('name')
    .where('name', 'in', names)
    .orderBy('name')
    .forUpdate()
    .execute();
}

/**
 * Compare-and-set, first half: locks the checkpoints of `names` (in name order, so two processes
 * never wait on each other crosswise) and fails unless each is still at `expected`.
 *
 * The transaction's commit does not wait for the disk: what it writes is derived from the log,
 * and a crash loses the checkpoint with the rows it moved with, so the events are applied again
 * (a mail queued in the lost moment is queued again under the same key and Message-ID). Appends
 * to the log keep their synchronous commit.
 */
export async function lockCheckpoints(
  trx: Kysely<Schema>,
  names: readonly string[],
  expected: GlobalPosition,
): Promise<void> {
  const rows = await trx
    .selectFrom('projection_checkpoints')
    .select(['name', 'commit_position', 'prepare_position'])
    // Set with the lock, not by a statement of its own: one round trip less per batch. (With no
    // row locked the commit is merely synchronous.)
    .select(sql<string>`set_config('synchronous_commit', 'off', true)`.as('synchronous_commit'))
    // Processes standing by hear it when the batch commits (standby.ts); nothing if it does not.
    .select(sql<string>`pg_notify(${checkpointsChannel}, '')`.as('told'))
    .where('name', 'in', names)
    .orderBy('name')
    .forUpdate()
    .execute();
  const found = new Map(
    rows.map((row) => [
      row.name,
      { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    ]),
  );
  for (const name of names) {
    if (comparePositions(found.get(name) ?? startOfLog, expected) !== 0)
      throw new CheckpointMovedError(name);
  }
}

/** Compare-and-set, second half: moves the checkpoints of `names` to `position` in one statement. */
export async function saveCheckpoints(
  trx: Kysely<Schema>,
  names: readonly string[],
  position: GlobalPosition,
): Promise<void> {
  const updatedAt = new Date();
  await trx
    .insertInto('projection_checkpoints')
    .values(
      names.map((name) => ({
        name,
        commit_position: position.commit,
        prepare_position: position.prepare,
        updated_at: updatedAt,
      })),
    )
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        commit_position: position.commit,
        prepare_position: position.prepare,
        updated_at: updatedAt,
        failure: null,
      }),
    )
    .execute();
}

/** Why a projection stopped, for the processes that show it without running it (standby.ts). */
export async function recordFailure(
  db: Kysely<Schema>,
  name: string,
  failure: StoredFailure,
): Promise<void> {
  // Its row may not be there yet: a projection can fail before its first checkpoint.
  await db
    .insertInto('projection_checkpoints')
    .values({
      name,
      commit_position: 0n,
      prepare_position: 0n,
      updated_at: new Date(),
      failure: JSON.stringify(failure),
    })
    .onConflict((oc) => oc.column('name').doUpdateSet({ failure: JSON.stringify(failure) }))
    .execute();
}
