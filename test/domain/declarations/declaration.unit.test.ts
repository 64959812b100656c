import { describe, expect, it } from 'vitest';
import { mayReadDeclaration } from '../../../domain/contracts/contract.js';
import { contractDecider } from '../../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../../domain/contracts/contractEvents.js';
import { campaignDecider } from '../../../domain/campaigns/campaign.js';
import type {
  DeclarationContent,
  Signatory,
} from '../../../domain/declarations/declarationEvents.js';
import type { DeclarationFigures } from '../../../domain/declarations/declarationFigures.js';
import { defaultCampaignSettings } from '../../../domain/campaigns/defaultCampaignSettings.js';
import { formatProtocolNumber } from '../../../domain/declarations/protocolNumber.js';
import { isLate } from '../../../domain/declarations/submitDeclaration.js';
import type { ReviewDeclaration } from '../../../domain/declarations/reviewDeclaration.js';
import {
  certificationText,
  certificationVersion,
} from '../../../domain/declarations/certification.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(contractDecider);
const plant = {
  street: 'Via Vai',
  civic: '1',
  cap: '40100',
  province: 'BO',
  municipality: 'Bologna',
};
const figures: DeclarationFigures = {
  year: 2025,
  contractNumber: '3001234567',
  customerCode: '1001234567',
  companyName: 'Test SRL',
  plantAddress: 'Via Vai 1, 40100 Bologna (BO)',
  waterSources: [],
  dischargeMeters: [],
  deductions: [],
  dischargedVolume: 4000,
  productionDays: 230,
  notes: '',
};
const content = (warnings: DeclarationContent['warnings'] = []): DeclarationContent => ({
  year: 2025,
  templateVersion: '2025.1',
  notificationEmail: 'ufficio@test.example',
  files: [],
  figures,
  analyses: null,
  warnings,
});
const warning = {
  severity: 'warning' as const,
  code: 'AnalysisAboveLimit',
  file: 'analisi' as const,
  sheet: 'Analisi',
  cell: 'F2',
  field: 'Valore',
  problem: 'COD 620 mg/l oltre il limite di 500 mg/l.',
  fix: 'Verificare il valore.',
};
const studio: Signatory = {
  accountId: 'studio-1',
  name: 'Studio',
  username: 'studio',
  email: 's@x.it',
  kind: 'studio',
};
const ditta: Signatory = { ...studio, accountId: 'ditta-1', name: 'Ditta', kind: 'ditta' };

const history: ContractEvent[] = [
  {
    type: 'ContractDeclared',
    data: {
      contractNumber: '3001234567',
      customerCode: '1001234567',
      companyName: 'Test SRL',
      plant,
      declaredBy: { accountId: 'studio-1', kind: 'studio' },
    },
  },
  { type: 'ContractValidated', data: { note: null } },
  { type: 'ContractOwnerLinked', data: { ownerAccountId: 'ditta-1' } },
];
const prepared = (
  by = 'studio-1',
  warnings: DeclarationContent['warnings'] = [],
): ContractEvent => ({
  type: 'DeclarationPrepared',
  data: { ...content(warnings), preparedBy: by },
});
const receivedAt = new Date('2026-01-20T10:00:00Z');
const submit = (signatory = studio, warningsAcknowledged = false) => ({
  type: 'SubmitDeclaration' as const,
  role: 'amministratore' as const,
  signatory,
  year: 2025,
  deadline: '2026-01-31',
  warningsAcknowledged,
  legalRepresentative: 'Mario Rossi',
  certified: true,
  receivedAt,
});
const submitted = (by = studio): ContractEvent => ({
  type: 'DeclarationSubmitted',
  data: {
    ...content(),
    checklist: null,
    contractLimits: [],
    signatory: by,
    receivedAt: receivedAt.toISOString(),
    deadline: '2026-01-31',
    late: false,
    warningsAcknowledged: false,
    certification: {
      version: certificationVersion,
      text: certificationText({
        sender: by.name,
        companyName: 'Test SRL',
        legalRepresentative: 'Mario Rossi',
        onBehalf: by.kind === 'studio',
      }),
      legalRepresentative: 'Mario Rossi',
      certifiedBy: by.name,
      onBehalf: by.kind === 'studio',
      confirmedAt: receivedAt.toISOString(),
    },
  },
});
const prepare = (accountId = 'studio-1', campaignOpen = true) => ({
  type: 'PrepareDeclaration' as const,
  role: 'amministratore' as const,
  accountId,
  campaignOpen,
  content: content(),
});

describe('PrepareDeclaration', () => {
  it('keeps a validated upload of the current manager as the draft', () =>
    spec.given(history).when(prepare()).then([prepared()]));
  it('refuses when the campaign of the year is not open', () =>
    spec.given(history).when(prepare('studio-1', false)).thenThrows('CampaignNotOpen'));
  it('refuses anyone but the current manager', () =>
    spec.given(history).when(prepare('ditta-1')).thenThrows('NotManager'));
  it('refuses a contract not validated by the operators', () =>
    spec.given(history.slice(0, 1)).when(prepare()).thenThrows('NotManager'));
  it('refuses a second declaration of the same year', () =>
    spec
      .given([...history, prepared(), submitted()])
      .when(prepare())
      .thenThrows('AlreadyDeclared'));
  it('refuses a reader (lettore): they change nothing', () =>
    spec
      .given(history)
      .when({ ...prepare(), role: 'lettore' })
      .thenThrows('RoleForbids'));
  it('takes a compiler (compilatore) draft', () =>
    spec
      .given(history)
      .when({ ...prepare(), role: 'compilatore' })
      .then([prepared()]));
});

describe('Who may press INVIA', () => {
  it('refuses a compiler (compilatore)', () =>
    spec
      .given([...history, prepared()])
      .when({ ...submit(), role: 'compilatore' })
      .thenThrows('RoleForbids'));
  it('refuses a reader (lettore)', () =>
    spec
      .given([...history, prepared()])
      .when({ ...submit(), role: 'lettore' })
      .thenThrows('RoleForbids'));
  it('files for a signatory (firmatario), what a compiler of the same organisation prepared', () =>
    spec
      .given([...history, prepared()])
      .when({ ...submit(), role: 'firmatario' })
      .then([submitted()]));
});

describe('SubmitDeclaration', () => {
  it('files the draft as validated, with the signatory and the time of receipt', () =>
    spec
      .given([...history, prepared()])
      .when(submit())
      .then([submitted()]));
  it('needs a draft prepared by the one who sends', () => {
    spec.given(history).when(submit()).thenThrows('NoDraft');
  });
  it('needs the warnings confirmed', () => {
    spec
      .given([...history, prepared('studio-1', [warning])])
      .when(submit())
      .thenThrows('WarningsNotAcknowledged', 'conferma-segnalazioni');
  });
  it('records confirmed warnings in the submission', () => {
    const [event] = contractDecider.decide(
      submit(studio, true),
      fold(contractDecider, [...history, prepared('studio-1', [warning])]),
    );
    expect(event).toMatchObject({
      type: 'DeclarationSubmitted',
      data: { warnings: [warning], warningsAcknowledged: true },
    });
  });
  it('loses to a claim: after the company takes the contract over, the consultant cannot send', () =>
    spec
      .given([
        ...history,
        prepared(),
        { type: 'ContractClaimed', data: { previousManagerId: 'studio-1', managerId: 'ditta-1' } },
      ])
      .when(submit())
      .thenThrows('NotManager'));
  it('voids the previous manager’s draft on a hand-over', () =>
    spec
      .given([
        ...history,
        prepared(),
        { type: 'ContractClaimed', data: { previousManagerId: 'studio-1', managerId: 'ditta-1' } },
      ])
      .when(submit(ditta))
      .thenThrows('NoDraft'));
  it('refuses a second submission of the same year', () =>
    spec
      .given([...history, prepared(), submitted()])
      .when(submit())
      .thenThrows('AlreadyDeclared'));
  it('needs the self-declaration made, beside its checkbox', () =>
    spec
      .given([...history, prepared()])
      .when({ ...submit(), certified: false })
      .thenThrows('CertificationIncomplete', 'dichiarazione-sostitutiva'));
  it('needs the legal representative named, beside the field', () =>
    spec
      .given([...history, prepared()])
      .when({ ...submit(), legalRepresentative: '  ' })
      .thenThrows('CertificationIncomplete', 'legale-rappresentante'));
});

describe('the self-declaration (DPR 445/2000)', () => {
  const text = (onBehalf: boolean) =>
    certificationText({
      sender: 'Anna Bianchi',
      companyName: 'Test SRL',
      legalRepresentative: 'Mario Rossi',
      onBehalf,
    });
  it('names the sender, the company, its legal representative and the articles', () => {
    expect(text(false)).toContain('Il/La sottoscritto/a Anna Bianchi, per la ditta Test SRL');
    expect(text(false)).toContain('il cui legale rappresentante è Mario Rossi');
    expect(text(false)).toMatch(/art\. 76 del D\.P\.R\. 28 dicembre 2000, n\. 445/);
    expect(text(false)).toContain('artt. 46 e 47');
  });
  it('says that a consultant sends on the company’s behalf', () => {
    expect(text(true)).toContain('in qualità di consulente');
    expect(text(true)).toContain('per conto della ditta Test SRL');
    expect(text(false)).not.toContain('consulente');
  });
  it('is recorded whole with its version, who and when, for the company’s own filing', () => {
    const [event] = contractDecider.decide(
      submit(ditta),
      fold(contractDecider, [
        ...history,
        { type: 'ContractClaimed', data: { previousManagerId: 'studio-1', managerId: 'ditta-1' } },
        prepared('ditta-1'),
      ]),
    );
    expect(event).toMatchObject({
      data: {
        certification: {
          version: certificationVersion,
          certifiedBy: 'Ditta',
          onBehalf: false,
          confirmedAt: receivedAt.toISOString(),
        },
      },
    });
  });
});

describe('lateness', () => {
  it('is on time through the deadline day in Italian time, late from the next', () => {
    expect(isLate(new Date('2026-01-31T22:59:59Z'), '2026-01-31')).toBe(false);
    expect(isLate(new Date('2026-01-31T23:00:00Z'), '2026-01-31')).toBe(true);
  });
  it('marks a late submission', () => {
    const [event] = contractDecider.decide(
      { ...submit(), receivedAt: new Date('2026-02-10T09:00:00Z') },
      fold(contractDecider, [...history, prepared()]),
    );
    expect(event).toMatchObject({ data: { late: true } });
  });
});

describe('ProtocolDeclaration, StoreCopyOfRecord and ResendCopyOfRecord', () => {
  const protocol = {
    type: 'ProtocolDeclaration' as const,
    year: 2025,
    protocolNumber: '2025/000007',
  };
  const copyOfRecord = { sha256: 'a'.repeat(64), size: 10 };
  const receipt = {
    eventId: 'protocollo-evento',
    leaf: 3,
    leafHash: 'a'.repeat(64),
    proof: ['b'.repeat(64), 'c'.repeat(64)],
    head: {
      origin: 'Dichiara – prova – registro eventi',
      size: 5,
      root: 'd'.repeat(64),
      signedAt: '2026-01-20T09:31:00.000Z',
      signature: 'firma',
    },
  };
  const store = {
    type: 'StoreCopyOfRecord' as const,
    year: 2025,
    protocolNumber: protocol.protocolNumber,
    copyOfRecord,
    receipt,
  };
  const protocolled: ContractEvent = {
    type: 'DeclarationProtocolled',
    data: {
      year: 2025,
      protocolNumber: protocol.protocolNumber,
      notificationEmail: 'ufficio@test.example',
    },
  };
  const copyStored: ContractEvent = {
    type: 'CopyOfRecordStored',
    data: {
      year: 2025,
      protocolNumber: protocol.protocolNumber,
      copyOfRecord,
      receipt,
      notificationEmail: 'ufficio@test.example',
    },
  };
  it('records the number once; a repeat is a no-op', () => {
    spec
      .given([...history, prepared(), submitted()])
      .when(protocol)
      .then([protocolled]);
    spec
      .given([...history, prepared(), submitted(), protocolled])
      .when(protocol)
      .then([]);
  });
  it('stores the copy of record once, after the number', () => {
    spec
      .given([...history, prepared(), submitted(), protocolled])
      .when(store)
      .then([copyStored]);
    spec
      .given([...history, prepared(), submitted(), protocolled, copyStored])
      .when(store)
      .then([]);
    spec
      .given([...history, prepared(), submitted()])
      .when(store)
      .thenThrows('NotSubmitted');
  });
  it('reads the copy from a protocol recorded with it, as events did before the copy came apart', () => {
    const both: ContractEvent = {
      type: 'DeclarationProtocolled',
      data: { ...protocolled.data, copyOfRecord },
    };
    const state = fold(contractDecider, [...history, prepared(), submitted(), both]);
    expect(state.declarations['2025']?.submitted?.copyOfRecord).toEqual(copyOfRecord);
    spec
      .given([...history, prepared(), submitted(), both])
      .when(store)
      .then([]);
  });
  it('needs a submission', () => spec.given(history).when(protocol).thenThrows('NotSubmitted'));
  const resend = (at: string) => ({
    type: 'ResendCopyOfRecord' as const,
    accountId: 'ditta-1',
    year: 2025,
    requestedAt: new Date(at),
  });
  const resent = (at: string): ContractEvent => ({
    type: 'CopyOfRecordResent',
    data: {
      year: 2025,
      protocolNumber: '2025/000007',
      copyOfRecord,
      // The evidence the first mail had goes with every copy sent again.
      receipt,
      to: 'ufficio@test.example',
      requestedBy: 'ditta-1',
      requestedAt: at,
    },
  });
  const filed = [...history, prepared(), submitted(), protocolled, copyStored];
  it('re-sends only once the copy is stored', () =>
    spec
      .given([...history, prepared(), submitted(), protocolled])
      .when(resend('2026-01-21T09:00:00.000Z'))
      .thenThrows('NotSubmitted'));
  it('re-sends to the notification address given with the declaration', () =>
    spec
      .given(filed)
      .when(resend('2026-01-21T09:00:00.000Z'))
      .then([resent('2026-01-21T09:00:00.000Z')]));
  it('re-sends at most three times in an hour, naming when the next one is possible', () => {
    const three = ['09:00', '09:20', '09:40'].map((t) => resent(`2026-01-21T${t}:00.000Z`));
    spec
      .given([...filed, ...three])
      .when(resend('2026-01-21T09:59:00.000Z'))
      .thenThrows('ResendLimitReached');
    let message = '';
    try {
      contractDecider.decide(
        resend('2026-01-21T09:59:00.000Z'),
        fold(contractDecider, [...filed, ...three]),
      );
    } catch (error) {
      message = (error as Error).message;
    }
    // 09:00 UTC is 10:00 in Rome: the oldest of the three leaves the hour at 11:00.
    expect(message).toBe(
      "La copia è già stata reinviata 3 volte nell'ultima ora: potrai chiedere un nuovo invio dalle 11:00.",
    );
    spec
      .given([...filed, ...three])
      .when(resend('2026-01-21T10:00:00.000Z'))
      .then([resent('2026-01-21T10:00:00.000Z')]);
  });
  it('counts no earlier resend recorded without its time', () => {
    const untimed = (): ContractEvent => {
      const data: Record<string, unknown> = { ...resent('x').data };
      delete data.requestedAt;
      return { type: 'CopyOfRecordResent', data } as ContractEvent;
    };
    spec
      .given([...filed, untimed(), untimed(), untimed()])
      .when(resend('2026-01-21T09:00:00.000Z'))
      .then([resent('2026-01-21T09:00:00.000Z')]);
  });
});

describe('who reads a declaration', () => {
  it('the company and the current manager always; a former manager only what it filed', () => {
    const claimed: ContractEvent = {
      type: 'ContractClaimed',
      data: { previousManagerId: 'studio-1', managerId: 'ditta-1' },
    };
    const afterFiling = fold(contractDecider, [...history, prepared(), submitted(), claimed]);
    expect(mayReadDeclaration(afterFiling, 2025, 'ditta-1')).toBe(true);
    expect(mayReadDeclaration(afterFiling, 2025, 'studio-1')).toBe(true);
    const beforeFiling = fold(contractDecider, [...history, claimed]);
    expect(mayReadDeclaration(beforeFiling, 2025, 'studio-1')).toBe(false);
    expect(mayReadDeclaration(afterFiling, 2025, 'stranger')).toBe(false);
  });
});

describe('OpenCampaign', () => {
  const campaigns = deciderSpec(campaignDecider);
  const settings = defaultCampaignSettings(2026, '2027-01-31');
  it('opens the year once', () => {
    campaigns
      .given([])
      .when({ type: 'OpenCampaign', accountId: 'op', settings })
      .then([{ type: 'CampaignOpened', data: { settings, openedBy: 'op' } }]);
    campaigns
      .given([{ type: 'CampaignOpened', data: { settings, openedBy: 'op' } }])
      .when({ type: 'OpenCampaign', accountId: 'op', settings })
      .thenThrows('CampaignAlreadyOpen', 'anno');
  });
  it('wants the deadline after the end of the reference year', () =>
    campaigns
      .given([])
      .when({
        type: 'OpenCampaign',
        accountId: 'op',
        settings: defaultCampaignSettings(2026, '2026-12-31'),
      })
      .thenThrows('DeadlineBeforeYearEnd', 'scadenza'));
});

describe('protocol numbers', () => {
  it('print the year and six digits', () =>
    expect(formatProtocolNumber(2026, 123)).toBe('2026/000123'));
});

describe('ReviewDeclaration', () => {
  const protocolled: ContractEvent = {
    type: 'DeclarationProtocolled',
    data: { year: 2025, protocolNumber: '2025/000007', notificationEmail: 'ufficio@test.example' },
  };
  const filed = [...history, prepared(), submitted(), protocolled];
  const reviewedAt = new Date('2026-02-10T09:00:00Z');
  const review = (
    outcome: ReviewDeclaration['outcome'],
    overrides: Partial<ReviewDeclaration> = {},
  ): ReviewDeclaration => ({
    type: 'ReviewDeclaration',
    year: 2025,
    protocolNumber: '2025/000007',
    outcome,
    note: '',
    dueBy: null,
    reviewer: { accountId: 'operatore-1', name: 'Olga Operatrice' },
    companyEmail: 'ditta@x.it',
    reviewedAt,
    ...overrides,
  });
  const reviewed = (
    outcome: ReviewDeclaration['outcome'],
    note = '',
    dueBy: string | null = null,
  ) =>
    ({
      type: 'DeclarationReviewed',
      data: {
        year: 2025,
        protocolNumber: '2025/000007',
        outcome,
        note,
        dueBy,
        reviewedBy: { accountId: 'operatore-1', name: 'Olga Operatrice' },
        reviewedAt: reviewedAt.toISOString(),
        notified: ['ufficio@test.example', 'ditta@x.it'],
      },
    }) satisfies ContractEvent;

  it('records an acceptance, told to the declarant and to the company a consultant filed for', () =>
    spec
      .given(filed)
      .when(review('accettata'))
      .then([reviewed('accettata')]));
  it('asks for an integration with what is missing and by when', () =>
    spec
      .given(filed)
      .when(
        review('integrazione-richiesta', {
          note: ' Manca il rapporto di prova ',
          dueBy: '2026-03-01',
        }),
      )
      .then([reviewed('integrazione-richiesta', 'Manca il rapporto di prova', '2026-03-01')]));
  it('needs the note for an integration and a rejection, beside the field', () => {
    spec.given(filed).when(review('respinta')).thenThrows('ReviewIncomplete', 'nota');
    spec
      .given(filed)
      .when(review('integrazione-richiesta', { dueBy: '2026-03-01' }))
      .thenThrows('ReviewIncomplete', 'nota');
  });
  it('needs a date after today for an integration', () => {
    const incomplete = { note: 'Manca il rapporto di prova' };
    spec
      .given(filed)
      .when(review('integrazione-richiesta', incomplete))
      .thenThrows('ReviewIncomplete', 'entro');
    spec
      .given(filed)
      .when(review('integrazione-richiesta', { ...incomplete, dueBy: '2026-02-10' }))
      .thenThrows('ReviewIncomplete', 'entro');
  });
  it('keeps an accepted or rejected outcome: one outcome at a time', () => {
    spec
      .given([...filed, reviewed('accettata')])
      .when(review('respinta', { note: 'x' }))
      .thenThrows('AlreadyReviewed');
    spec
      .given([...filed, reviewed('respinta', 'x')])
      .when(review('accettata'))
      .thenThrows('AlreadyReviewed');
  });
  it('decides after an integration was asked for', () =>
    spec
      .given([...filed, reviewed('integrazione-richiesta', 'Manca', '2026-03-01')])
      .when(review('accettata'))
      .then([reviewed('accettata')]));
  it('needs a protocolled declaration', () =>
    spec
      .given([...history, prepared(), submitted()])
      .when(review('accettata'))
      .thenThrows('NotSubmitted'));
  it('mails the company once when it filed itself', () => {
    const [event] = contractDecider.decide(
      review('accettata', { companyEmail: null }),
      fold(contractDecider, filed),
    );
    expect(event).toMatchObject({ data: { notified: ['ufficio@test.example'] } });
  });
  it('mails one mailbox once, whatever the case of its address', () => {
    const [event] = contractDecider.decide(
      review('accettata', { companyEmail: 'Ufficio@Test.example' }),
      fold(contractDecider, filed),
    );
    expect(event).toMatchObject({ data: { notified: ['ufficio@test.example'] } });
  });
});

describe('StartCorrection and ReopenDeclaration', () => {
  const protocolled: ContractEvent = {
    type: 'DeclarationProtocolled',
    data: {
      year: 2025,
      protocolNumber: '2025/000007',
      notificationEmail: 'ufficio@test.example',
      copyOfRecord: { sha256: 'a'.repeat(64), size: 10 },
    },
  };
  const filed = [...history, prepared(), submitted(), protocolled];
  const correct = (reason = 'Volume del pozzo sbagliato') => ({
    type: 'StartCorrection' as const,
    role: 'amministratore' as const,
    accountId: 'studio-1',
    year: 2025,
    reason,
  });
  const started: ContractEvent = {
    type: 'DeclarationCorrectionStarted',
    data: {
      year: 2025,
      replaces: '2025/000007',
      reason: 'Volume del pozzo sbagliato',
      startedBy: 'studio-1',
    },
  };
  const accepted: ContractEvent = {
    type: 'DeclarationReviewed',
    data: {
      year: 2025,
      protocolNumber: '2025/000007',
      outcome: 'accettata',
      note: '',
      dueBy: null,
      reviewedBy: { accountId: 'operatore-1', name: 'Olga Operatrice' },
      reviewedAt: receivedAt.toISOString(),
      notified: ['ufficio@test.example'],
    },
  };
  const reopen = (reason = 'Errore nel volume segnalato dalla ditta') => ({
    type: 'ReopenDeclaration' as const,
    year: 2025,
    protocolNumber: '2025/000007',
    reason,
    operator: { accountId: 'operatore-1', name: 'Olga Operatrice' },
    companyEmail: 'sede@ditta.example' as string | null,
  });

  it('opens the filed year with a reason, once', () => {
    spec.given(filed).when(correct()).then([started]);
    spec
      .given([...filed, started])
      .when(correct())
      .then([]);
  });
  it('needs a reason beside the field, a protocolled filing and the manager', () => {
    spec.given(filed).when(correct('  ')).thenThrows('ReasonMissing', 'motivo');
    spec
      .given([...history, prepared(), submitted()])
      .when(correct())
      .thenThrows('NotSubmitted');
    spec
      .given(filed)
      .when({ ...correct(), accountId: 'ditta-1' })
      .thenThrows('NotManager');
  });
  it('files a new version naming the one it replaces, late after the deadline', () => {
    const state = fold(contractDecider, [...filed, started, prepared()]);
    const late = new Date('2026-02-10T09:00:00Z');
    const [event] = contractDecider.decide({ ...submit(), receivedAt: late }, state);
    expect(event).toMatchObject({
      type: 'DeclarationSubmitted',
      data: {
        late: true,
        corrects: { replaces: '2025/000007', reason: 'Volume del pozzo sbagliato' },
      },
    });
    const after = fold(contractDecider, [...filed, started, prepared(), event!]);
    expect(after.declarations['2025']).toMatchObject({
      correction: null,
      replaced: ['2025/000007'],
      submitted: { protocolNumber: null, review: null },
    });
  });
  it('waits for the filed version’s copy of record before a correction', () =>
    spec
      .given([
        ...history,
        prepared(),
        submitted(),
        { ...protocolled, data: { ...protocolled.data, copyOfRecord: undefined } },
      ] as ContractEvent[])
      .when(correct())
      .thenThrows('NotSubmitted'));
  it('never gives a copy rendered for one version to the next', () =>
    spec
      .given([
        ...history,
        prepared(),
        submitted(),
        { ...protocolled, data: { ...protocolled.data, copyOfRecord: undefined } },
        started,
        prepared(),
        submitted(),
        {
          ...protocolled,
          data: {
            year: 2025,
            protocolNumber: '2025/000008',
            notificationEmail: 'ufficio@test.example',
          },
        },
      ] as ContractEvent[])
      .when({
        type: 'StoreCopyOfRecord',
        year: 2025,
        protocolNumber: '2025/000007',
        copyOfRecord: { sha256: 'b'.repeat(64), size: 10 },
        receipt: {} as never,
      })
      .then([]));
  it('decides only on the version the operator saw', () => {
    const newer = [
      ...filed,
      started,
      prepared(),
      submitted(),
      {
        ...protocolled,
        data: {
          year: 2025,
          protocolNumber: '2025/000008',
          notificationEmail: 'ufficio@test.example',
        },
      },
    ] as ContractEvent[];
    spec
      .given(newer)
      .when({ ...reopen(), protocolNumber: '2025/000007' })
      .thenThrows('VersionChanged');
    spec
      .given(newer)
      .when({
        type: 'ReviewDeclaration',
        year: 2025,
        protocolNumber: '2025/000007',
        outcome: 'accettata',
        note: '',
        dueBy: null,
        reviewer: { accountId: 'operatore-1', name: 'Olga Operatrice' },
        companyEmail: null,
        reviewedAt: receivedAt,
      })
      .thenThrows('VersionChanged');
  });
  it('refuses to send a correction of a version accepted meanwhile', () =>
    spec
      .given([...filed, started, accepted, prepared()])
      .when(submit())
      .thenThrows('AcceptedDeclaration'));
  it('closes a correction on a hand-over: the new manager starts its own', () => {
    const state = fold(contractDecider, [
      ...filed,
      started,
      { type: 'ContractClaimed', data: { previousManagerId: 'studio-1', managerId: 'ditta-1' } },
    ]);
    expect(state.declarations['2025']?.correction).toBeNull();
  });
  it('carries what a correction replaces into its stored copy, for the receipt mail', () => {
    const numbered: ContractEvent = {
      type: 'DeclarationProtocolled',
      data: {
        year: 2025,
        protocolNumber: '2025/000008',
        notificationEmail: 'ufficio@test.example',
      },
    };
    const state = fold(contractDecider, [...filed, started, prepared()]);
    const [second] = contractDecider.decide(submit(), state);
    const [copy] = contractDecider.decide(
      {
        type: 'StoreCopyOfRecord',
        year: 2025,
        protocolNumber: '2025/000008',
        copyOfRecord: { sha256: 'b'.repeat(64), size: 10 },
        receipt: {} as never,
      },
      fold(contractDecider, [...filed, started, prepared(), second!, numbered]),
    );
    expect(copy).toMatchObject({
      type: 'CopyOfRecordStored',
      data: { corrects: { replaces: '2025/000007', reason: 'Volume del pozzo sbagliato' } },
    });
  });
  it('refuses a new draft of a filed year without a correction', () =>
    spec.given(filed).when(prepare()).thenThrows('AlreadyDeclared'));
  it('needs the operator to reopen an accepted declaration first, with a reason', () => {
    spec
      .given([...filed, accepted])
      .when(correct())
      .thenThrows('AcceptedDeclaration');
    spec
      .given([...filed, accepted])
      .when(reopen(' '))
      .thenThrows('ReasonMissing', 'motivo');
    spec.given(filed).when(reopen()).thenThrows('NotAccepted');
    const [reopened] = contractDecider.decide(
      reopen(),
      fold(contractDecider, [...filed, accepted]),
    );
    expect(reopened).toMatchObject({
      type: 'DeclarationReopened',
      data: {
        protocolNumber: '2025/000007',
        reason: 'Errore nel volume segnalato dalla ditta',
        // Whom an outcome tells: the notification address, and the company's other mailbox.
        notified: ['ufficio@test.example', 'sede@ditta.example'],
      },
    });
    spec
      .given([...filed, accepted, reopened!])
      .when(correct())
      .then([started]);
  });
});
