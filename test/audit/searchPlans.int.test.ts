import {
  CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  sql,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeLog } from '../../src/audit/auditLog.js';
import { prefixProbe, searchHistory, type HistoryQuery } from '../../src/audit/historySearch.js';
import type { Schema } from '../../src/platform/db/schema.js';
import { backends, openTestDatabase, type TestDatabase } from '../support/testDatabase.js';

/** Every query a search sends, compiled, to be explained afterwards. */
class Recorder implements KyselyPlugin {
  readonly nodes: RootOperationNode[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.nodes.push(args.node);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const nodesOf = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];

/** The plans of the queries one search sends, run with EXPLAIN ANALYZE. */
async function plansOf(db: Kysely<Schema>, query: HistoryQuery) {
  const recorder = new Recorder();
  const recorded = db.withPlugin(recorder);
  const page = await searchHistory(recorded, storeLog, query);
  const plans: PlanNode[][] = [];
  for (const node of recorder.nodes) {
    const compiled = db.getExecutor().compileQuery(node, { queryId: 'plan' });
    const result = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      CompiledQuery.raw(`explain (analyze, format json) ${compiled.sql}`, [...compiled.parameters]),
    );
    plans.push(nodesOf(result.rows[0]!['QUERY PLAN'][0].Plan));
  }
  return { page, plans };
}

const removed = (nodes: readonly PlanNode[]) =>
  nodes.reduce(
    (sum, node) => sum + (node['Rows Removed by Filter'] ?? 0) * node['Actual Loops'],
    0,
  );
const indexes = (nodes: readonly PlanNode[]) => nodes.flatMap((node) => node['Index Name'] ?? []);

/*
 * A log where what is searched sits at the far end of the scan: 30,000 events, the first 8,000
 * occurred in 2024 and the rest in 2026; the last 3,000 are the only ones of the late-import-
 * streams. Searched newest first for 2024, and oldest first for late-import-, the log's order
 * would read some 20,000 rows or more before the first match (migrations/0014 has the figures on
 * 315,000 events). These plans read about one page.
 */
describe.each(backends())('%s: the search plans on a log whose matches are far away', (backend) => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase(backend);
    await sql`
      insert into events (stream_id, version, event_id, type, data, metadata, hash)
      select case when i > 27000 then 'late-import-' || (i % 50) else 'contract-' || (i % 900) end,
        i, gen_random_uuid(), case when i % 3 = 0 then 'ContractValidated' else 'ContractDeclared' end,
        '{"n":1}'::json,
        json_build_object('actor', json_build_object('id', 'actor-' || (i % 40), 'role', 'operator'),
          'occurredAt', case when i <= 8000 then '2024-' else '2026-' end
            || lpad((1 + i % 12)::text, 2, '0') || '-01T10:00:00.000Z',
          'recordedAt', '2026-11-23T10:00:00.000Z'),
        '\\x00'::bytea
      from generate_series(1, 30000) as i`.execute(test.database.db);
    await sql`vacuum analyze events`.execute(test.database.db);
  });
  afterAll(() => test.drop());

  it('reads a time range in its time order, one page from the (time, tx_id, position) index', async () => {
    const { page, plans } = await plansOf(test.database.db, {
      filter: {
        timeField: 'occurredAt',
        timeFrom: '2024-01-01T00:00:00.000Z',
        timeBefore: '2025-01-01T00:00:00.000Z',
      },
      order: 'newest',
    });
    expect(page.rows).toHaveLength(50);
    expect(page.orderedBy).toBe('occurredAt');
    expect(plans).toHaveLength(1);
    expect(indexes(plans[0]!)).toEqual(['events_occurred_order_idx']);
    expect(removed(plans[0]!)).toBe(0);
    expect(Math.max(...plans[0]!.map((node) => node['Actual Rows']))).toBeLessThanOrEqual(51);

    // The next page goes on from the cursor, in the same index.
    const next = await plansOf(test.database.db, {
      filter: {
        timeField: 'occurredAt',
        timeFrom: '2024-01-01T00:00:00.000Z',
        timeBefore: '2025-01-01T00:00:00.000Z',
      },
      order: 'newest',
      after: page.next,
    });
    expect(next.page.rows[0]!.metadata.occurredAt <= page.rows.at(-1)!.metadata.occurredAt).toBe(
      true,
    );
    expect(indexes(next.plans[0]!)).toEqual(['events_occurred_order_idx']);
    expect(removed(next.plans[0]!)).toBe(0);
  });

  it('reads a far prefix from the (stream_id, tx_id, position) index after a bounded probe', async () => {
    const { page, plans } = await plansOf(test.database.db, {
      filter: { streamId: 'late-import-', streamPrefix: true },
      order: 'oldest',
    });
    expect(page.rows).toHaveLength(50);
    expect(page.rows.every((row) => row.streamId.startsWith('late-import-'))).toBe(true);
    expect(page.rows[0]!.version).toBe(27001);
    expect(plans).toHaveLength(2);
    const [probe, collect] = plans as [PlanNode[], PlanNode[]];
    expect(Math.max(...probe.map((node) => node['Actual Rows']))).toBeLessThanOrEqual(prefixProbe);
    expect(indexes(collect)).toContain('events_stream_prefix_order_idx');
    // The matches' positions come from the index: no scan of the 27,000 events before them.
    expect(removed(collect)).toBeLessThanOrEqual(51);
    expect(
      collect.filter((node) => node['Node Type'] === 'Seq Scan' || node['Actual Rows'] > 3_000),
    ).toEqual([]);
  });

  it('reads a near prefix with the probe alone', async () => {
    const { page, plans } = await plansOf(test.database.db, {
      filter: { streamId: 'contract-', streamPrefix: true },
      order: 'oldest',
    });
    expect(page.rows).toHaveLength(50);
    expect(plans).toHaveLength(1);
    expect(Math.max(...plans[0]!.map((node) => node['Actual Rows']))).toBeLessThanOrEqual(
      prefixProbe,
    );
  });
});
