import type { Kysely, KyselyPlugin } from 'kysely';
import type { Schema } from '../../src/platform/db/schema.js';

/** The same database through a handle that lists the kind of each statement sent through it. */
export function statementsCounted(db: Kysely<Schema>) {
  const statements: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      statements.push(node.kind);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(plugin), statements };
}
