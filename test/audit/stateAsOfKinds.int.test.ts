import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountDecider } from '../../domain/accounts/accountDecider.js';
import { campaignDecider, type CampaignEvent } from '../../domain/campaigns/campaign.js';
import { defaultCampaignSettings } from '../../domain/campaigns/defaultCampaignSettings.js';
import type { FlowEvent, FlowRow } from '../../domain/observatory/flowEvents.js';
import { monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import { apiTokensDecider, type ApiTokenEvent } from '../../domain/observatory/apiTokens.js';
import { officerDecider, type OfficerEvent } from '../../domain/observatory/municipalityOfficer.js';
import type { YearEvent } from '../../domain/observatory/yearEvents.js';
import { yearValidationDecider } from '../../domain/observatory/yearValidationDecider.js';
import type { Decider, DomainEvent } from '../../domain/shared/decider.js';
import { redact } from '../../src/audit/redact.js';
import { noNames } from '../../src/audit/auditNames.js';
import { eventTypeLabel } from '../../src/audit/eventTypeLabels.js';
import { fieldLabel } from '../../src/audit/fieldLabels.js';
import { diffStates } from '../../src/audit/stateAsOf.js';
import { pathView } from '../../src/audit/statePaths.js';
import type {
  JsonObject,
  NewEvent,
  RecordedEvent,
} from '../../src/platform/eventStore/eventStore.js';
import type { TestClient } from '../support/client.js';
import { settle, startTestApp, type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { auditPeople, type AuditPeople } from './verifySupport.js';

type Replayable = Pick<Decider<unknown, never, DomainEvent>, 'evolve' | 'initialState'>;

const asNewEvent = (event: DomainEvent, occurredAt: string): NewEvent => ({
  type: event.type,
  data: event.data as JsonObject,
  metadata: {
    eventId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: { id: 'operator-1', role: 'operator' },
    clientIp: '198.51.100.4',
    occurredAt,
  },
});

/** The page's section between a heading's id and its end, whitespace folded. */
function section(body: string, id: string): string {
  const start = body.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`No section ${id}`);
  return body
    .slice(start, body.indexOf('</section>', start))
    .replace(/\s+/g, ' ')
    .replace(/> </g, '><');
}

/** The fields the diff table lists, in order, as a person reads them. */
const changedFields = (body: string): string[] =>
  [...section(body, 'differenze').matchAll(/<th scope="row"[^>]*>([^<]*)<\/th>/g)].map((m) =>
    m[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
  );

const html = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A plain top-level value that the page shows as it is: a number, a yes/no, nothing. */
function shown(value: unknown): string | null {
  if (value === null || value === undefined) return '<span class="text-muted">nessun valore</span>';
  if (typeof value === 'boolean') return value ? 'sì' : 'no';
  if (typeof value === 'number') return String(value);
  return null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The state at `version`, replayed by hand through the decider. */
const foldTo = (decider: Replayable, events: readonly RecordedEvent[], version: number) =>
  events
    .filter((event) => event.version <= version)
    .reduce(
      (state, event) => decider.evolve(state, { type: event.type, data: event.data }),
      decider.initialState(),
    );

/**
 * At every version, the page shows the state replayed by hand (redacted): every top-level field
 * by its Italian name (none left with its code name), plain values as they are, and exactly the
 * differences with now that a comparison by hand finds, by their Italian names.
 */
async function expectReplayedAtEveryVersion(
  auditor: TestClient,
  streamId: string,
  decider: Replayable,
  events: readonly RecordedEvent[],
): Promise<void> {
  const url = `/revisione/stream/${encodeURIComponent(streamId)}/stato`;
  const last = events.at(-1)!.version;
  const now = redact(foldTo(decider, events, last));
  for (const event of events)
    expect(eventTypeLabel(event.type), `${streamId}: ${event.type}`).not.toBe(event.type);
  for (let version = 0; version <= last; version++) {
    const page = await auditor.get(`${url}?versione=${version}`);
    expect(page.statusCode, `${streamId} v${version}`).toBe(200);
    const then = section(page.body, 'stato-allora').split('<details')[0]!;
    expect(then).toContain(version === 0 ? 'Stato iniziale' : `Stato alla versione ${version}`);
    expect(then, `${streamId} v${version}: a field without its Italian name`).not.toContain(
      '<code>',
    );
    const byHand = redact(foldTo(decider, events, version)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(byHand)) {
      const label = html(fieldLabel(key));
      expect(fieldLabel(key), `${streamId}: ${key}`).not.toBe(key);
      const text = shown(value);
      if (text === null) {
        expect(then, `${streamId} v${version} ${key}`).toContain(`<dt>${label}</dt>`);
        continue;
      }
      expect(then, `${streamId} v${version} ${key}`).toMatch(
        new RegExp(`<dt>${escapeRegExp(label)}</dt><dd[^>]*> ?${escapeRegExp(text)} ?</dd>`),
      );
    }
    expect(changedFields(page.body), `${streamId} v${version}`).toEqual(
      diffStates(byHand, now).map((change) => pathView(change.path, noNames).label),
    );
  }
}

const row = (tonnes: number): FlowRow => ({
  eerCode: '200301',
  tonnes,
  collectionMethod: 'porta a porta',
  transporter: 'Trasporti Rossi SRL',
  destinationPlant: 'Impianto di Bari',
  operation: 'D1',
});

describe.each(backends())('%s: state as of, for every kind of stream with a decider', (backend) => {
  let ctx: TestApp;
  let people: AuditPeople;

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    people = await auditPeople(ctx);
    const campaign: CampaignEvent[] = [
      {
        type: 'CampaignOpened',
        data: { settings: defaultCampaignSettings(2026, '2027-01-31'), openedBy: 'operator-1' },
      },
    ];
    await ctx.store.appendToStream(
      'campaign-2026',
      campaign.map((event) => asNewEvent(event, '2026-09-01T08:00:00.000Z')),
    );
    const base = { istatCode: '072006', month: '2026-03' };
    const flow: [FlowEvent, string][] = [
      [
        {
          type: 'FlowDraftSaved',
          data: { ...base, rows: [row(10)], savedBy: 'cf:RSSMRA80A01A662A' },
        },
        '2026-04-02T08:00:00.000Z',
      ],
      [
        {
          type: 'MonthlyFlowSubmitted',
          data: {
            ...base,
            version: 1,
            rows: [row(12.5)],
            submittedBy: 'cf:RSSMRA80A01A662A',
            submittedAt: '2026-04-10T08:00:00.000Z',
            dueDate: '2026-04-15',
            daysLate: 0,
            affectsFunding: false,
          },
        },
        '2026-04-10T08:00:00.000Z',
      ],
      [
        {
          type: 'FlowUnlockRequested',
          data: { ...base, reason: 'Pesata errata', requestedBy: 'cf:RSSMRA80A01A662A' },
        },
        '2026-05-02T08:00:00.000Z',
      ],
      [
        {
          type: 'MonthlyFlowUnlocked',
          data: { ...base, decidedBy: 'cf:VRDGPP70C15F205N', note: null },
        },
        '2026-05-03T08:00:00.000Z',
      ],
      [
        {
          type: 'MonthlyFlowSubmitted',
          data: {
            ...base,
            version: 2,
            rows: [row(11), row(0.75)],
            submittedBy: 'cf:RSSMRA80A01A662A',
            submittedAt: '2026-05-04T08:00:00.000Z',
            dueDate: '2026-04-15',
            daysLate: 19,
            affectsFunding: false,
          },
        },
        '2026-05-04T08:00:00.000Z',
      ],
    ];
    await ctx.store.appendToStream(
      'waste-flow-072006-2026-03',
      flow.map(([event, at]) => asNewEvent(event, at)),
    );
    const officer = { istatCode: '072006', fiscalCode: 'RSSMRA80A01A662A' };
    const officers: [OfficerEvent, string][] = [
      [
        {
          type: 'OfficerAssigned',
          data: { ...officer, email: 'ambiente@comune.bari.it', assignedBy: 'admin-1' },
        },
        '2026-01-05T08:00:00.000Z',
      ],
      [
        {
          type: 'OfficerEmailChanged',
          data: {
            ...officer,
            email: 'rifiuti@comune.bari.it',
            previousEmail: 'ambiente@comune.bari.it',
            changedBy: 'admin-1',
            reason: 'Nuovo ufficio',
          },
        },
        '2026-02-05T08:00:00.000Z',
      ],
      [
        {
          type: 'OfficerAssignmentEnded',
          data: { ...officer, endedBy: 'admin-1', reason: 'Trasferito' },
        },
        '2026-03-05T08:00:00.000Z',
      ],
    ];
    await ctx.store.appendToStream(
      'municipality-072006',
      officers.map(([event, at]) => asNewEvent(event, at)),
    );
    const year = { istatCode: '072006', year: 2025 };
    const admin = 'cf:VRDGPP70C15F205N';
    const years: [YearEvent, string][] = [
      [
        {
          type: 'YearValidated',
          data: {
            ...year,
            certifiedRate: 0.6,
            separateKg: 7_200_000,
            unsortedKg: 4_800_000,
            neutralKg: 0,
            months: [{ month: '2025-01', version: 1 }],
            validatedBy: admin,
          },
        },
        '2026-02-02T08:00:00.000Z',
      ],
      [
        {
          type: 'YearSentBack',
          data: {
            ...year,
            months: ['2025-03'],
            remarks: 'Manca la frazione organica',
            sentBackBy: admin,
            withdrawnCertification: { certifiedRate: 0.6, validatedBy: admin },
          },
        },
        '2026-02-03T08:00:00.000Z',
      ],
    ];
    await ctx.store.appendToStream(
      'observatory-year-072006-2025',
      years.map(([event, at]) => asNewEvent(event, at)),
    );
    await settle(ctx);
  });
  afterAll(() => ctx.close());

  const eventsOf = async (streamId: string) => (await ctx.store.readStream(streamId)).events;

  it('replays an account by its decider, with no secret in the state or the diff', async () => {
    const streamId = `account-${people.declarantId}`;
    const events = await eventsOf(streamId);
    expect(events.map((event) => event.type)).toContain('ReferentRegistered');
    await expectReplayedAtEveryVersion(people.auditor, streamId, accountDecider, events);
    const hashes = events.flatMap((event) =>
      typeof event.data.passwordHash === 'string' ? [event.data.passwordHash] : [],
    );
    expect(hashes.length).toBeGreaterThan(0);
    for (let version = 0; version <= events.length; version++) {
      const page = await people.auditor.get(
        `/revisione/stream/${encodeURIComponent(streamId)}/stato?versione=${version}`,
      );
      expect(page.body).not.toContain('$argon2');
      for (const hash of hashes) expect(page.body).not.toContain(hash);
    }
    // A yes/no under a secret's name holds no secret: it stays readable.
    const now = await people.auditor.get(`/revisione/stream/${encodeURIComponent(streamId)}/stato`);
    expect(section(now.body, 'stato-allora')).toMatch(
      /<dt>Deve cambiare la password<\/dt><dd[^>]*> ?no ?<\/dd>/,
    );
  });

  it('replays a campaign, a municipality’s month, its user and its year by their deciders', async () => {
    for (const [streamId, decider] of [
      ['campaign-2026', campaignDecider],
      ['waste-flow-072006-2026-03', monthlyFlowDecider],
      ['municipality-072006', officerDecider],
      ['observatory-year-072006-2025', yearValidationDecider],
    ] as const) {
      const events = await eventsOf(streamId);
      expect(events.length, streamId).toBeGreaterThan(0);
      await expectReplayedAtEveryVersion(people.auditor, streamId, decider, events);
    }
  });

  it('names every event and every field of these streams’ timelines in Italian', async () => {
    for (const streamId of [
      `account-${people.declarantId}`,
      'campaign-2026',
      'waste-flow-072006-2026-03',
      'municipality-072006',
      'observatory-year-072006-2025',
    ]) {
      const page = await people.auditor.get(`/revisione/stream/${encodeURIComponent(streamId)}`);
      expect(page.statusCode, streamId).toBe(200);
      for (const event of await eventsOf(streamId)) {
        expect(page.body, `${streamId} v${event.version}`).toMatch(
          new RegExp(
            `<h2[^>]*>Versione ${event.version} · ${escapeRegExp(html(eventTypeLabel(event.type)))} `,
          ),
        );
      }
      // The readable data of each event, raw JSON aside: no field left with its code name.
      const readable = page.body.replace(/<details>[\s\S]*?<\/details>/g, '');
      expect(readable, streamId).not.toMatch(/<(dt|th scope="col")><code>/);
    }
  });

  it('replays a municipality’s API tokens, the hash of a secret never shown', async () => {
    const streamId = 'observatory-api-tokens-072006';
    const secretHash = 'f'.repeat(64);
    const keyId = '00000000-0000-4000-8000-000000000001';
    const tokens: [ApiTokenEvent, string][] = [
      [
        {
          type: 'ApiTokenIssued',
          data: { istatCode: '072006', keyId, name: 'Gestionale', secretHash, issuedBy: 'cf:X' },
        },
        '2026-05-01T08:00:00.000Z',
      ],
      [
        {
          type: 'ApiTokenRevoked',
          data: { istatCode: '072006', keyId, name: 'Gestionale', revokedBy: 'cf:X' },
        },
        '2026-05-02T08:00:00.000Z',
      ],
    ];
    await ctx.store.appendToStream(
      streamId,
      tokens.map(([event, at]) => asNewEvent(event, at)),
    );
    await settle(ctx);
    const events = await eventsOf(streamId);
    await expectReplayedAtEveryVersion(people.auditor, streamId, apiTokensDecider, events);
    const timeline = await people.auditor.get(`/revisione/stream/${encodeURIComponent(streamId)}`);
    expect(timeline.statusCode).toBe(200);
    expect(timeline.body).toContain('Token API del comune creato');
    expect(timeline.body).toContain(keyId);
    expect(timeline.body).not.toContain(secretHash);
    expect(timeline.body.replace(/<details>[\s\S]*?<\/details>/g, '')).not.toMatch(
      /<(dt|th scope="col")><code>/,
    );
  });

  it('replays a month by date and time: between the unlock and the second version', async () => {
    // 3 May 2026, 12:00 in Rome: after the unlock (08:00 UTC), before the second version.
    const page = await people.auditor.get(
      '/revisione/stream/waste-flow-072006-2026-03/stato?al=2026-05-03T12:00',
    );
    expect(section(page.body, 'stato-allora')).toContain('Stato alla versione 4');
    const events = await eventsOf('waste-flow-072006-2026-03');
    const then = redact(foldTo(monthlyFlowDecider as unknown as Replayable, events, 4));
    expect(changedFields(page.body)).toEqual(
      diffStates(then, redact(foldTo(monthlyFlowDecider as unknown as Replayable, events, 5))).map(
        (change) => pathView(change.path, noNames).label,
      ),
    );
    expect(changedFields(page.body)).toContain('Versioni');
  });
});
