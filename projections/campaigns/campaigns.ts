import type { Kysely, Selectable } from 'kysely';
import {
  type CampaignEvent,
  campaignStream,
  evolveSettings,
} from '../../domain/campaigns/campaign.js';
import type { CampaignSettings } from '../../domain/campaigns/campaignSettings.js';
import type { CampaignsTable, Schema } from '../../src/platform/db/schema.js';
import type { Recorded, RecordedEvent } from '../../src/platform/eventStore/eventStore.js';
import { rowProjection } from '../../src/platform/subscriptions/rowProjection.js';

export interface CampaignRow {
  readonly settings: CampaignSettings;
  readonly openedAt: string;
  readonly openedBy: string;
}

/** A campaign's row: its settings as opened (reminders as last set), when and by whom. */
export function evolveCampaignRow(
  row: CampaignRow | undefined,
  event: RecordedEvent,
): CampaignRow | undefined {
  if (!campaignStream.holds(event)) return row;
  if (event.type === 'CampaignOpened')
    return {
      settings: event.data.settings,
      openedAt: event.metadata.occurredAt,
      openedBy: event.data.openedBy,
    };
  if (event.type === 'CampaignRemindersChanged' && row)
    return { ...row, settings: evolveSettings(row.settings, event) ?? row.settings };
  return row;
}

export const campaignsProjection = rowProjection<CampaignRow, Recorded<CampaignEvent>>({
  name: 'campaigns',
  follows: campaignStream.holds,
  keyOf: (event) => campaignStream.parse(event.streamId),
  evolve: evolveCampaignRow,
  async load(trx, keys) {
    const rows = await trx
      .selectFrom('campaigns')
      .selectAll()
      .where('year', 'in', keys.map(Number))
      .execute();
    return new Map(rows.map((row) => [String(row.year), fromTableRow(row)]));
  },
  async save(trx, rows) {
    for (const row of rows) {
      const values = {
        year: row.settings.year,
        deadline: row.settings.deadline,
        template_version: row.settings.templateVersion,
        settings: JSON.stringify(row.settings),
        opened_at: row.openedAt,
        opened_by: row.openedBy,
      };
      await trx
        .insertInto('campaigns')
        .values(values)
        .onConflict((oc) => oc.column('year').doUpdateSet(values))
        .execute();
    }
  },
  table: 'campaigns',
});

const fromTableRow = (row: Selectable<CampaignsTable>): CampaignRow => ({
  settings: row.settings,
  openedAt: row.opened_at.toISOString(),
  openedBy: row.opened_by,
});

export async function campaignOf(
  db: Kysely<Schema>,
  year: number,
): Promise<CampaignRow | undefined> {
  const row = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('year', '=', year)
    .executeTakeFirst();
  return row && fromTableRow(row);
}

/** Newest first: the declarants' page works on the latest campaign. */
export async function allCampaigns(db: Kysely<Schema>): Promise<CampaignRow[]> {
  const rows = await db.selectFrom('campaigns').selectAll().orderBy('year', 'desc').execute();
  return rows.map(fromTableRow);
}
