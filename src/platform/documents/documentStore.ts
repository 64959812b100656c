import type { Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import type { Schema } from '../db/schema.js';

export interface StoredDocument {
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
}

export const sha256Of = (content: Buffer): string =>
  createHash('sha256').update(content).digest('hex');

/**
 * Keeps a file by its SHA-256. Storing the same bytes twice is a no-op, so a retried upload or a
 * re-rendered (deterministic) copy of record never duplicates or replaces anything.
 */
export async function storeDocument(
  db: Kysely<Schema>,
  content: Buffer,
  contentType: string,
  now: Date,
): Promise<StoredDocument> {
  const sha256 = sha256Of(content);
  await db
    .insertInto('documents')
    .values({
      sha256,
      content,
      size: content.length,
      content_type: contentType,
      stored_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return { sha256, size: content.length, contentType };
}

export async function readDocument(
  db: Kysely<Schema>,
  sha256: string,
): Promise<(StoredDocument & { content: Buffer }) | undefined> {
  const row = await db
    .selectFrom('documents')
    .select(['sha256', 'size', 'content_type', 'content'])
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return (
    row && {
      sha256: row.sha256,
      size: row.size,
      contentType: row.content_type,
      content: row.content,
    }
  );
}
