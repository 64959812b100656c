import { sql, type Kysely } from 'kysely';
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import type { Schema } from '../platform/db/schema.js';
import type { JsonObject } from '../platform/eventStore/eventStore.js';

/**
 * oidc-provider's storage for the local SPID/CIE stand-in, in the database: a login begun on one
 * portal process (its interaction, session, code) ends on whichever process answers next.
 */
export function databaseAdapter(db: Kysely<Schema>): AdapterFactory {
  return (model: string): Adapter => {
    const find = async (column: 'id' | 'uid', value: string) => {
      const row = await db
        .selectFrom('local_identity_records')
        .select('payload')
        .where('model', '=', model)
        .where(column, '=', value)
        .where((eb) =>
          eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]),
        )
        .executeTakeFirst();
      return row?.payload as AdapterPayload | undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt = expiresIn ? sql<Date>`now() + make_interval(secs => ${expiresIn})` : null;
        const values = {
          payload: JSON.stringify(payload),
          grant_id: payload.grantId ?? null,
          uid: payload.uid ?? null,
          expires_at: expiresAt,
        };
        await db
          .insertInto('local_identity_records')
          .values({ model, id, ...values })
          .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
          .execute();
        // Each login starts with an interaction: the records of logins long over go then.
        if (model === 'Interaction') {
          await db
            .deleteFrom('local_identity_records')
            .where('expires_at', '<', sql<Date>`now() - interval '1 hour'`)
            .execute();
        }
      },
      find: (id) => find('id', id),
      findByUid: (uid) => find('uid', uid),
      // No device flow: there is no user code to find.
      findByUserCode: async () => undefined,
      async consume(id) {
        await db
          .updateTable('local_identity_records')
          .set({
            payload: sql`payload || jsonb_build_object('consumed', floor(extract(epoch from now()))::bigint)`,
          })
          .where('model', '=', model)
          .where('id', '=', id)
          .execute();
      },
      async destroy(id) {
        await db
          .deleteFrom('local_identity_records')
          .where('model', '=', model)
          .where('id', '=', id)
          .execute();
      },
      async revokeByGrantId(grantId) {
        await db.deleteFrom('local_identity_records').where('grant_id', '=', grantId).execute();
      },
    };
  };
}

/**
 * The stand-in's keys, made by the first process that needs them and read by every other: the
 * signing key its ID tokens carry, its cookie key and the portal's client secret.
 */
export async function sharedKeys<Keys extends JsonObject>(
  db: Kysely<Schema>,
  make: () => Promise<Keys>,
): Promise<Keys> {
  const stored = () =>
    db
      .selectFrom('local_identity_records')
      .select('payload')
      .where('model', '=', 'Keys')
      .where('id', '=', 'local')
      .executeTakeFirst();
  const found = await stored();
  if (found) return found.payload as Keys;
  await db
    .insertInto('local_identity_records')
    .values({ model: 'Keys', id: 'local', payload: JSON.stringify(await make()) })
    .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
    .execute();
  return (await stored())!.payload as Keys;
}
