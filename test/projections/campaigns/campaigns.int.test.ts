import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCampaignSettings } from '../../../domain/campaigns/defaultCampaignSettings.js';
import {
  allCampaigns,
  campaignOf,
  campaignsProjection,
  evolveCampaignRow,
} from '../../../projections/campaigns/campaigns.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';
import { recorded } from '../declarations/support.js';

const settings = (year: number) => ({
  ...defaultCampaignSettings(year, `${year + 1}-01-31`),
  templateVersion: `${year}.2`,
});
const opened = (year: number) => ({ settings: settings(year), openedBy: 'op-1' });

describe('campaigns: pure row evolution', () => {
  it('keeps the settings as opened, when and by whom', () =>
    expect(
      evolveCampaignRow(
        undefined,
        recorded('campaign-2025', 'CampaignOpened', opened(2025), '2025-11-03T08:00:00.000Z'),
      ),
    ).toEqual({
      settings: settings(2025),
      openedAt: '2025-11-03T08:00:00.000Z',
      openedBy: 'op-1',
    }));

  it('ignores any other event of the stream', () => {
    const row = evolveCampaignRow(
      undefined,
      recorded('campaign-2025', 'CampaignOpened', opened(2025)),
    );
    expect(evolveCampaignRow(row, recorded('campaign-2025', 'SomethingElse', {}))).toBe(row);
  });
});

describe.each(backends())('%s: campaigns in SQL', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());

  it('holds one row per year, newest first, the same after replaying twice', async () => {
    const store = createPostgresEventStore(test.database);
    await store.appendToStream('campaign-2025', [
      newEvent('CampaignOpened', opened(2025) as never),
    ]);
    await store.appendToStream('campaign-2026', [
      newEvent('CampaignOpened', opened(2026) as never),
    ]);
    await store.appendToStream('discharge-limits-3001234567', [
      newEvent('ContractLimitsSet', { contractNumber: '3001234567', limits: [] }),
    ]);
    const runner = new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [campaignsProjection],
        logger: pino({ level: 'silent' }),
      },
      { batchSize: 1 },
    );
    await untilLogReadable(test.database.db, store);
    await runner.rebuild('campaigns');
    const once = await allCampaigns(test.database.db);
    expect(once.map((row) => row.settings.year)).toEqual([2026, 2025]);
    expect(once[0]).toEqual({
      settings: settings(2026),
      openedAt: '2026-11-23T10:00:00.000Z',
      openedBy: 'op-1',
    });
    const row = await test.database.db
      .selectFrom('campaigns')
      .select(['deadline', 'template_version'])
      .where('year', '=', 2025)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ deadline: '2026-01-31', template_version: '2025.2' });
    await runner.rebuild('campaigns');
    expect(await allCampaigns(test.database.db)).toEqual(once);
    expect(await campaignOf(test.database.db, 2024)).toBeUndefined();
  });
});
