import type { DomainEvent } from '../../domain/shared/decider.js';
import { singleStream } from '../../domain/shared/streamCodec.js';
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.js';
import { recordEvents, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import type { ParsedRegistry } from './registryFile.js';

export const registryStream = singleStream<DomainEvent<'RegistryImported'>>('registry-imports');

/**
 * Loads the accepted rows (a pair already known gets the new name and address) and records the
 * import, with the file's SHA-256, in the log.
 */
export async function importRegistry(
  deps: { db: Kysely<Schema>; store: EventStore },
  file: { name: string; content: Buffer },
  parsed: ParsedRegistry,
  context: CommandContext,
): Promise<void> {
  if (parsed.rows.length > 0) {
    await deps.db.transaction().execute(async (trx) => {
      for (let start = 0; start < parsed.rows.length; start += 1_000) {
        const chunk = parsed.rows.slice(start, start + 1_000).map((row) => ({
          customer_code: row.customerCode,
          contract_number: row.contractNumber,
          company_name: row.companyName,
          plant_address: row.plantAddress,
          imported_at: context.now,
        }));
        await trx
          .insertInto('utility_registry')
          .values(chunk)
          .onConflict((oc) =>
            oc.columns(['customer_code', 'contract_number']).doUpdateSet((eb) => ({
              company_name: eb.ref('excluded.company_name'),
              plant_address: eb.ref('excluded.plant_address'),
              imported_at: eb.ref('excluded.imported_at'),
            })),
          )
          .execute();
      }
    });
  }
  await recordEvents(
    deps.store,
    registryStream.id(),
    [
      {
        type: 'RegistryImported',
        data: {
          fileName: file.name,
          sha256: createHash('sha256').update(file.content).digest('hex'),
          accepted: parsed.rows.length,
          rejected: parsed.rejected.length,
        },
      },
    ],
    context,
  );
}
