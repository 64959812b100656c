import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Schema } from '../db/schema.js';
import { decrypt, encrypt } from './sealedBox.js';

/** NOTIFY'd in each erasure's transaction, so heard by every process once it commits. */
const erasuresChannel = 'personal_data_erased';

/** A data subject's key as the sealing uses it: its id travels with every ciphertext. */
export interface SubjectKey {
  readonly keyId: string;
  readonly key: Buffer;
}

/** A key opens only as the key of its own subject: rows swapped in the table do not open. */
const wrapContext = (keyId: string, subjectId: string) => `${keyId}/${subjectId}`;

/** Remembers at most `limit` entries, forgetting the oldest first. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }
  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > this.limit) this.delete(this.keys().next().value as K);
    return this;
  }
}

/**
 * The data subjects' keys (migrations/0028), each wrapped with the master key that lives outside
 * the database: a copy of the database alone reads no personal field. Keys are remembered in
 * memory; an erasure forgets them here at once, and in every process when it commits
 * (hearErasures) or a reader meets its event (sealedEventStore.ts).
 */
export class KeyVault {
  private readonly bySubject = new BoundedMap<string, SubjectKey | null>(10_000);
  private readonly byId = new BoundedMap<string, Buffer | null>(10_000);
  /** Subjects whose erasure was seen: their keys are read, never remembered. */
  private readonly doomed = new BoundedMap<string, true>(10_000);
  private erasuresSeen = 0;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new Error('The personal data master key must be 32 bytes');
  }

  /** The subject's key, made on first use; null once the subject is erased. */
  async keyFor(subjectId: string): Promise<SubjectKey | null> {
    const known = this.bySubject.get(subjectId);
    if (known !== undefined) return known;
    const seen = this.erasuresSeen;
    const keyId = randomUUID();
    const wrapped = encrypt(this.masterKey, randomBytes(32), wrapContext(keyId, subjectId));
    await sql`
      insert into personal_data_keys (key_id, subject_id, wrapped_key)
      values (${keyId}::uuid, ${subjectId}, ${wrapped})
      on conflict (subject_id) do nothing`.execute(this.db);
    const row = await this.db
      .selectFrom('personal_data_keys')
      .select(['key_id', 'wrapped_key'])
      .where('subject_id', '=', subjectId)
      .executeTakeFirstOrThrow();
    const key = this.unwrap(row.key_id, subjectId, row.wrapped_key);
    const subjectKey = key ? { keyId: row.key_id, key } : null;
    this.remember(subjectId, subjectKey, seen);
    return subjectKey;
  }

  /**
   * The keys by id; an erased or unknown id is absent. `db` is the caller's transaction when it
   * holds the connection (PGlite has one).
   */
  async keysById(keyIds: readonly string[], db = this.db): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const keyId of new Set(keyIds)) {
      const known = this.byId.get(keyId);
      if (known) found.set(keyId, known);
      else if (known === undefined) missing.push(keyId);
    }
    if (missing.length > 0) {
      const seen = this.erasuresSeen;
      const rows = await db
        .selectFrom('personal_data_keys')
        .select(['key_id', 'subject_id', 'wrapped_key'])
        .where(sql<boolean>`key_id = any(${missing}::uuid[])`)
        .execute();
      for (const row of rows) {
        const key = this.unwrap(row.key_id, row.subject_id, row.wrapped_key);
        // A key being erased is read each time, never remembered: its erasure may commit now.
        // Nor one read while an erasure was heard: the row may be older than its commit.
        if (!this.doomed.has(row.subject_id) && this.erasuresSeen === seen)
          this.byId.set(row.key_id, key);
        if (key) found.set(row.key_id, key);
      }
    }
    return found;
  }

  /** Which of these subjects are erased (their values stored in clear before sealing began). */
  async erasedAmong(subjectIds: readonly string[], db = this.db): Promise<Set<string>> {
    const erased = new Set<string>();
    const unknown: string[] = [];
    for (const subjectId of new Set(subjectIds)) {
      const known = this.bySubject.get(subjectId);
      if (known === null) erased.add(subjectId);
      else if (known === undefined) unknown.push(subjectId);
    }
    if (unknown.length > 0) {
      const rows = await db
        .selectFrom('personal_data_keys')
        .select('subject_id')
        .where(sql<boolean>`subject_id = any(${unknown}::text[])`)
        .where('wrapped_key', 'is', null)
        .execute();
      for (const { subject_id } of rows) {
        this.remember(subject_id, null, this.erasuresSeen);
        erased.add(subject_id);
      }
    }
    return erased;
  }

  /**
   * Destroys the subjects' keys, in the caller's transaction. A subject without a key yet gets an
   * erased row, so that nothing is ever sealed for it again.
   */
  async erase(trx: Kysely<Schema>, subjectIds: readonly string[], at: Date): Promise<void> {
    if (subjectIds.length === 0) return;
    await sql`
      insert into personal_data_keys (key_id, subject_id, wrapped_key, erased_at)
      select gen_random_uuid(), s.id, null, ${at.toISOString()}::timestamptz
      from unnest(${subjectIds}::text[]) as s(id)
      on conflict (subject_id) do update set wrapped_key = null,
        erased_at = coalesce(personal_data_keys.erased_at, excluded.erased_at)`.execute(trx);
    // Heard by every process once the erasure commits, this one included (hearErasures).
    await sql`select pg_notify(${erasuresChannel}, '')`.execute(trx);
    this.forget(subjectIds);
  }

  /**
   * Forgets every key remembered whenever an erasure commits, in any process: a process that is
   * not the leader never reads the erasure's event. Returns what stops hearing them.
   */
  hearErasures(database: Pick<Database, 'listen'>): Promise<() => Promise<void>> {
    return database.listen(erasuresChannel, () => {
      this.bySubject.clear();
      this.byId.clear();
      this.erasuresSeen++;
    });
  }

  /**
   * Drops what is remembered of subjects being erased, and remembers nothing more of their keys
   * but their erasure: a read racing the erasure's commit cannot bring a key back.
   */
  forget(subjectIds: readonly string[]): void {
    const doomed = subjectIds.filter((subjectId) => !this.doomed.has(subjectId));
    if (doomed.length === 0) return;
    this.erasuresSeen++;
    for (const subjectId of doomed) {
      this.bySubject.delete(subjectId);
      this.doomed.set(subjectId, true);
    }
    // Keys remembered by id: which subject each belonged to is not kept, so all go.
    this.byId.clear();
  }

  /**
   * How many erasures this process saw: made here, met by a reader of the log for the first
   * time, or heard committed. Whatever opened personal fields before the last one opens them
   * again (foldStream.ts); the one heard at the commit covers a read made before it.
   */
  get erasures(): number {
    return this.erasuresSeen;
  }

  /** A key read since `seen` erasures, kept unless an erasure came meanwhile; an erasure, always. */
  private remember(subjectId: string, key: SubjectKey | null, seen: number): void {
    if (key === null || (!this.doomed.has(subjectId) && this.erasuresSeen === seen))
      this.bySubject.set(subjectId, key);
  }

  private unwrap(keyId: string, subjectId: string, wrapped: Buffer | null): Buffer | null {
    if (!wrapped) return null;
    const key = decrypt(this.masterKey, Buffer.from(wrapped), wrapContext(keyId, subjectId));
    if (!key) throw new Error(`Personal data key ${keyId} does not open with the master key`);
    return key;
  }
}
