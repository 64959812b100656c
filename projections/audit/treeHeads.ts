import type { Kysely, Selectable } from 'kysely';
import { treeHeadsStream } from '../../domain/audit/treeHeads.js';
import type { Schema, TreeHeadsTable } from '../../src/platform/db/schema.js';
import type { GlobalPosition } from '../../src/platform/eventStore/eventStore.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';
import type { SignedTreeHead } from '../../src/platform/transparency/treeHead.js';

export interface RecordedTreeHead extends SignedTreeHead {
  /** The head's own event, a leaf of the next tree, and its place in the log. */
  readonly eventId: string;
  readonly position: GlobalPosition;
  /** How many heads were recorded up to this one (the heads stream's version). */
  readonly version: number;
}

/** Every signed head, for the transparency page and the next signing. */
export const treeHeadsProjection: Projection = {
  name: 'tree_heads',
  async apply(trx, events) {
    const heads = events.filter(treeHeadsStream.holds);
    if (heads.length === 0) return;
    await trx
      .insertInto('tree_heads')
      .values(
        heads.map((event) => ({
          version: event.version,
          event_id: event.metadata.eventId,
          origin: event.data.origin,
          size: event.data.size,
          root: Buffer.from(event.data.root, 'hex'),
          signed_at: event.data.signedAt,
          signature: event.data.signature,
          commit_position: event.position.commit.toString(),
          prepare_position: event.position.prepare.toString(),
        })),
      )
      .execute();
  },
  tables: ['tree_heads'],
};

/** The newest head, or null before the first. */
export async function latestTreeHead(db: Kysely<Schema>): Promise<RecordedTreeHead | null> {
  const row = await db
    .selectFrom('tree_heads')
    .selectAll()
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? fromRow(row) : null;
}

/** The newest head of at most `size` leaves, or null if none is that small. */
export async function latestTreeHeadWithin(
  db: Kysely<Schema>,
  size: number,
): Promise<RecordedTreeHead | null> {
  const row = await db
    .selectFrom('tree_heads')
    .selectAll()
    .where('size', '<=', String(size))
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? fromRow(row) : null;
}

/** The first head whose tree holds this leaf, or null while none does. */
export async function firstHeadCovering(
  db: Kysely<Schema>,
  leaf: number,
): Promise<RecordedTreeHead | null> {
  const row = await db
    .selectFrom('tree_heads')
    .selectAll()
    .where('size', '>', String(leaf))
    .orderBy('size')
    .limit(1)
    .executeTakeFirst();
  return row ? fromRow(row) : null;
}

const fromRow = (row: Selectable<TreeHeadsTable>): RecordedTreeHead => ({
  eventId: row.event_id,
  position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
  version: row.version,
  origin: row.origin,
  size: Number(row.size),
  root: Buffer.from(row.root),
  signedAt: row.signed_at.toISOString(),
  signature: row.signature,
});
