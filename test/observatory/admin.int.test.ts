import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowRow } from '../../domain/observatory/flowEvents.js';
import { flowStreamId, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import {
  municipalityStreamId,
  officerDecider,
} from '../../domain/observatory/municipalityOfficer.js';
import {
  observatoryAdminsDecider,
  observatoryAdminsStreamId,
} from '../../domain/observatory/observatoryAdmins.js';
import { pugliaMunicipalities } from '../../domain/observatory/reference/municipalities.js';
import { handleCommand } from '../../src/eventStore/commandHandler.js';
import {
  demoObservatoryAdmin,
  demoOfficerBari,
} from '../../src/observatory/identity/demoIdentities.js';
import { browserLoggedInAs, listenOnFreePort, type HttpBrowser } from '../support/identityLogin.js';
import { settle, startTestApp, type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { pageText, sectionText } from './pageText.js';

const glass: FlowRow = {
  eerCode: '150107',
  tonnes: 300,
  collectionMethod: 'stradale',
  transporter: 'Igiene Srl',
  destinationPlant: 'Piattaforma vetro',
  operation: 'R5',
};
const system = (now: Date) => ({
  commandId: crypto.randomUUID(),
  correlationId: 'test',
  actor: { id: 'system', role: 'system' },
  clientIp: null,
  now,
});

describe.each(backends())('%s: the observatory admin', (backend) => {
  let ctx: TestApp;
  let baseUrl: string;
  let admin: HttpBrowser;
  // 10 November: October is due on the 15th, so not missing yet; August is over 30 days late.
  const now = new Date('2026-11-10T10:00:00Z');

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => now });
    baseUrl = await listenOnFreePort(ctx.app);
    await handleCommand(
      ctx.store,
      observatoryAdminsDecider,
      observatoryAdminsStreamId,
      { type: 'GrantObservatoryAdmin', fiscalCode: demoObservatoryAdmin.fiscalCode, by: 'cli' },
      system(now),
    );
    await handleCommand(
      ctx.store,
      officerDecider,
      municipalityStreamId('072006'),
      {
        type: 'AssignOfficer',
        istatCode: '072006',
        fiscalCode: demoOfficerBari.fiscalCode,
        email: 'ambiente@comune.bari.it',
        adminId: 'cli',
        institutionalDomains: ['comune.*.it'],
        officerElsewhere: null,
      },
      system(now),
    );
    const filedAt = new Date('2026-11-05T09:00:00Z');
    await handleCommand(
      ctx.store,
      monthlyFlowDecider,
      flowStreamId('072006', '2026-10'),
      {
        type: 'SubmitMonthlyFlow',
        istatCode: '072006',
        month: '2026-10',
        officerId: `cf:${demoOfficerBari.fiscalCode}`,
        rows: [glass],
        now: filedAt,
      },
      system(filedAt),
    );
    await settle(ctx);
    admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
  });
  afterAll(async () => ctx?.close());

  const count = (text: string, label: string) =>
    Number(new RegExp(`(\\d+) ${label}`).exec(text)?.[1]);

  it('shows the whole region by default, and counts months before their deadline as waiting', async () => {
    const page = await admin.get('/osservatorio/admin?anno=2026');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<option value="tutte" selected>Tutte le province<\/option>/);
    const text = pageText(page.body);
    expect(text).toContain('Lecce');
    expect(text).toContain('Bari');
    expect(count(text, 'inviati in tempo')).toBe(1);
    expect(count(text, 'mancanti')).toBe(0);
    expect(count(text, 'in attesa')).toBe(pugliaMunicipalities.length - 1);
    // Every municipality has months of 2026 never filed and over 30 days late.
    expect(count(text, 'comuni oltre 30 giorni di ritardo')).toBe(pugliaMunicipalities.length);

    const lecceBody = (await admin.get('/osservatorio/admin?anno=2026&provincia=LE')).body;
    const lecce = pageText(lecceBody);
    const grid = sectionText(lecceBody, 'Comuni e mesi');
    expect(grid).toContain('Lecce');
    expect(grid).not.toContain('Altamura');
    const inLecce = pugliaMunicipalities.filter((m) => m.province === 'LE').length;
    expect(count(lecce, 'in attesa')).toBe(inLecce);
  });

  it('flags the funding in the grid and the CSV, for the whole region', async () => {
    const page = await admin.get('/osservatorio/admin?anno=2026&provincia=tutte');
    expect(page.body).toContain(
      'title="Mancante (oltre la scadenza), incide sui finanziamenti regionali"',
    );
    const csv = await admin.get('/osservatorio/admin/flussi.csv?anno=2026&provincia=tutte');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="flussi-2026.csv"');
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'codice_istat;comune;provincia;mese;stato;versione;giorni_ritardo;incide_finanziamenti;differenziata_t;indifferenziata_t;neutra_t;rd_percentuale',
    );
    expect(lines).toContain('072006;Bari;BA;2026-10;filed;1;0;no;300,000;0,000;0,000;100,0');
    expect(lines).toContain('072006;Bari;BA;2026-08;missing;;;sì;;;;');
    expect(lines).toContain('075035;Lecce;LE;2026-10;due;;;no;;;;');
    expect(lines).toContain('075035;Lecce;LE;2026-09;missing;;;no;;;;');
  });
});
