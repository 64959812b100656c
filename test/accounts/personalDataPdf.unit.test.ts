import { describe, expect, it } from 'vitest';
import type { PersonalData } from '../../src/accounts/personalData.js';
import { withoutSecrets } from '../../src/accounts/personalDataEvents.js';
import { renderPersonalDataPdf } from '../../src/accounts/personalDataPdf.js';
import { pdfRowsLimit } from '../../src/accounts/personalDataPdfSections.js';
import { pdfText } from '../declarations/pdf/pdfText.js';

const at = '2026-01-20T10:00:00.000Z';

const staffData = (events: number): PersonalData => ({
  format: 'dichiara-dati-personali/1',
  extractedAt: at,
  portal: 'Dichiara',
  controller: 'Acque del Titolare S.p.A.',
  note: 'Nota sul contenuto.',
  cut: [],
  account: {
    accountId: 'a-1',
    username: 'olga',
    fullName: 'Olga Operatrice',
    email: 'olga@gestore.example',
    pendingEmail: null,
    phone: null,
    role: 'operator',
    kind: null,
    status: 'active',
    registeredAt: at,
    verifiedAt: at,
    decidedAt: at,
    mustChangePassword: false,
    organisationId: null,
    memberRole: null,
  },
  organisation: null,
  contracts: [],
  declarations: [],
  sessions: [],
  refusedSignIns: [],
  mails: [],
  events: Array.from({ length: events }, (_, i) => ({
    streamId: `account-${i}`,
    version: 1,
    type: i === events - 1 ? 'RegistrationApproved' : 'SignedIn',
    occurredAt: at,
    data: {},
    dataLeftOut: false,
    metadata: {
      eventId: `e-${i}`,
      correlationId: 'c',
      causationId: null,
      actor: { id: 'a-1', role: 'operator' },
      clientIp: null,
      occurredAt: at,
      recordedAt: at,
    },
  })),
});

const flat = async (data: PersonalData) =>
  (await pdfText(await renderPersonalDataPdf(data))).replace(/\s+/g, ' ');

describe('«I miei dati personali» as a PDF', () => {
  it('lists the newest events first, and says the JSON holds the rest', async () => {
    const text = await flat(staffData(pdfRowsLimit + 1));
    expect(text).toContain(
      `Sono elencati i ${pdfRowsLimit} più recenti su ${pdfRowsLimit + 1}: il file JSON li contiene tutti.`,
    );
    // The last event of the log is the first row, under its Italian name.
    expect(text).toMatch(/Registro \(stream\) 20\/01\/2026 11:00:00 Registrazione approvata/);
    expect(text).toContain('Nessuna: account del personale.');
    expect(text).toContain('Acque del Titolare S.p.A.');
  });

  it('says which lists the JSON itself had to cut', async () => {
    const text = await flat({ ...staffData(1), cut: ['mails: solo i 1000 elementi più recenti'] });
    expect(text).toContain(
      'Elenchi ridotti anche nel file JSON: mails: solo i 1000 elementi più recenti.',
    );
  });
});

describe('events without secrets', () => {
  it('leaves out password hashes and tokens at any depth, and keeps yes/no flags', () => {
    expect(
      withoutSecrets({
        passwordHash: '$argon2id$…',
        mustChangePassword: true,
        companies: [{ name: 'Euro Oil', newPasswordHash: 'x', token: 'y' }],
        nested: { deeper: { PASSWORDHASH: 'z', kept: 1 } },
      }),
    ).toEqual({
      mustChangePassword: true,
      companies: [{ name: 'Euro Oil' }],
      nested: { deeper: { kept: 1 } },
    });
  });
});
