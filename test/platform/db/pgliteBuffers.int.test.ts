import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../../src/platform/db/database.js';
import { sharedBuffersFor } from '../../../src/platform/db/pgliteBuffers.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A data folder whose databases (in base/) hold files of these sizes, in MB. */
function dataFolder(databases: Record<string, number[]>): string {
  const folder = mkdtempSync(join(tmpdir(), 'dichiara-buffers-'));
  folders.push(folder);
  for (const [oid, sizes] of Object.entries(databases)) {
    mkdirSync(join(folder, 'base', oid), { recursive: true });
    sizes.forEach((mb, n) => {
      const file = join(folder, 'base', oid, String(16384 + n));
      writeFileSync(file, '');
      truncateSync(file, mb * 2 ** 20);
    });
  }
  return folder;
}

describe('PGlite: shared buffers sized to the data', () => {
  it.each([
    ['a new folder', {}, 32],
    ['the demo’s (10 MB beside two 7 MB templates)', { 1: [7], 4: [7], 5: [6, 4] }, 32],
    ['a database of 40 MB', { 1: [7], 5: [30, 10] }, 64],
    ['one of 1 GB', { 5: [1024] }, 128],
  ])('%s', async (_, databases, megabytes) => {
    expect(await sharedBuffersFor(dataFolder(databases))).toBe(megabytes);
  });

  it('gives PostgreSQL the size of the data it finds when it opens the folder', async () => {
    const folder = dataFolder({});
    const buffers = async () => {
      const database = await openPglite(folder);
      try {
        const { rows } = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(
          database.db,
        );
        return { shown: rows[0]!.shared_buffers, database };
      } catch (error) {
        await database.close();
        throw error;
      }
    };
    const first = await buffers();
    expect(first.shown).toBe('32MB');
    // 30 MB of text that does not compress, then the folder opened again.
    await sql`create table filler as
      select (select string_agg(md5(random()::text || n || k), '') from generate_series(1, 32) k) as text
      from generate_series(1, 30000) n`.execute(first.database.db);
    await first.database.close();
    const again = await buffers();
    await again.database.close();
    const sized = await sharedBuffersFor(folder);
    expect(sized).toBeGreaterThan(32);
    expect(again.shown).toBe(`${sized}MB`);
  });
});
