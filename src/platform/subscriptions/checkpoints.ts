import { sql, type Kysely } from 'kysely';
import type { Schema, StoredFailure } from '../db/schema.js';
import type { GlobalPosition } from '../eventStore/eventStore.js';

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
 * Compare-and-set of the checkpoints of `names`, in one statement at the start of the transaction
 * that applies what lies between `from` and `to`: each moves to `to` if it is still at `from`,
 * else CheckpointMovedError (another process applied the batch, and the transaction is rolled
 * back). Their rows are locked in name order, so two processes never wait on each other crosswise,
 * and stay locked until the commit: whoever meets them meanwhile waits for the batch's rows too.
 *
 * The transaction's commit does not wait for the disk: what it writes is derived from the log,
 * and a crash loses the checkpoint with the rows it moved with, so the events are applied again
 * (a mail queued in the lost moment is queued again under the same key and Message-ID). Appends
 * to the log keep their synchronous commit.
 */
export async function moveCheckpoints(
  trx: Kysely<Schema>,
  names: readonly string[],
  from: GlobalPosition,
  to: GlobalPosition,
): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    with locked as (
      select name from projection_checkpoints
      where name in (${sql.join(names)}) order by name for update)
    update projection_checkpoints moved
    set commit_position = ${to.commit}, prepare_position = ${to.prepare},
        updated_at = ${new Date()}, failure = null
    from locked
    where moved.name = locked.name
      and moved.commit_position = ${from.commit} and moved.prepare_position = ${from.prepare}
    returning moved.name,
      -- Set with the move, not by a statement of its own. (With no row moved the transaction
      -- fails anyway.)
      set_config('synchronous_commit', 'off', true),
      -- Processes standing by hear it when the batch commits (standby.ts); nothing if it does not.
      pg_notify(${checkpointsChannel}, '')`.execute(trx);
  const moved = new Set(rows.map((row) => row.name));
  const stale = names.find((name) => !moved.has(name));
  if (stale !== undefined) throw new CheckpointMovedError(stale);
}

/** Moves the checkpoints of `names` to `position`, wherever they were: a swap, a replay. */
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
