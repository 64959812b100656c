import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CopyOfRecordInput,
  renderCopyOfRecord,
} from '../../../src/declarations/pdf/copyOfRecord.js';
import { typicalCopyOfRecord as record } from './copyOfRecordFixture.js';
import { sewerLimits, standardTariff } from '../../../domain/campaigns/defaultCampaignSettings.js';
import { tariffEstimateView } from '../../../src/declarations/tariffEstimateView.js';
import { pdfInfo, pdfText, squeezed } from './pdfText.js';

const preview: CopyOfRecordInput = {
  ...record,
  mode: 'preview',
  protocolNumber: null,
  receivedAt: null,
};

describe('copy of record', () => {
  let text = '';
  let flat = '';
  beforeAll(async () => {
    text = await pdfText(await renderCopyOfRecord(record));
    flat = squeezed(text);
  });

  it('shows the protocol number and the time of receipt in Italian time', () => {
    expect(flat).toContain('Dichiarazione annuale degli scarichi industriali — anno 2025');
    expect(flat).toContain('Copia conforme a quanto ricevuto');
    expect(flat).toContain('Numero di protocollo 2026/000123');
    // 09:23:45 UTC is 10:23:45 in Rome in January.
    expect(flat).toContain('Ricevuta il 15/01/2026 10:23:45 (ora italiana)');
    expect(flat).toContain('Entro il termine del 31/01/2026');
  });

  it('numbers every page and repeats the protocol number in the footer', () => {
    const footers = [
      ...flat.matchAll(
        /Protocollo 2026\/000123 · Tintoria Città di Forlì S\.p\.A\. · contratto 4000123456 Pagina (\d+) di (\d+)/g,
      ),
    ].map(([, page, of]) => `${page}/${of}`);
    expect(footers.length).toBeGreaterThan(1);
    expect(footers).toEqual(footers.map((_, index) => `${index + 1}/${footers.length}`));
  });

  it('names the declarant, the company, its customer code, contract and plant', () => {
    expect(flat).toContain('Niccolò Bellò (utente nbello)');
    expect(flat).toContain('studio di consulenza per conto della ditta');
    expect(flat).toContain('ambiente@tintoria-esempio.it');
    expect(flat).toContain('Ragione sociale Tintoria Città di Forlì S.p.A.');
    expect(flat).toContain('Codice cliente 1000987654');
    expect(flat).toContain('Contratto di scarico n. 4000123456');
    expect(flat).toContain('Via dell’Industria 12, 47122 Forlì (FC)');
  });

  it('carries the self-declaration word for word, who made it, for whom and when', () => {
    expect(flat).toContain('Dichiarazione sostitutiva (artt. 46 e 47 del D.P.R. 445/2000)');
    expect(flat).toContain('Resa da Niccolò Bellò');
    expect(flat).toContain('In qualità di consulente, per conto della ditta');
    expect(flat).toContain('Legale rappresentante Maria Teresa Ferri');
    expect(flat).toContain('Confermata con la password 15/01/2026 10:23:45 (ora italiana)');
    // Wrapped over several lines in the PDF: compared with every run of blanks as one space.
    const oneLine = (value: string) => value.replace(/\s+/g, ' ');
    expect(oneLine(flat)).toContain(oneLine(record.certification!.text));
    expect(flat).toContain(`Versione del testo ${record.certification!.version}`);
  });

  it('shows every declared volume in Italian format', () => {
    const volumes = [
      '12.480,5 m³',
      '1.312 m³',
      '5.760 m³',
      '3.375,25 m³',
      '940 m³', // sources
      '23.867,75 m³', // total withdrawn
      '12.118 m³',
      '2.650,75 m³',
      '806 m³', // discharge meters
      '2.150 m³',
      '3.410,5 m³',
      '1.245 m³',
      '887,75 m³',
      '7.693,25 m³', // deductions
      '15.574,75 m³', // discharged
    ];
    for (const volume of volumes) expect(flat).toContain(volume);
    expect(flat).toMatch(/Pozzo AUT-PZ-2019\/88 PZ-17 98\.500 4\.260 sì 5\.760 m³/);
    expect(flat).toMatch(
      /Smaltita come rifiuto liquido 1\.245 m³ Formulari FIR 2025 \(38 formulari\) 16 10 02/,
    );
    expect(flat).toContain('Giorni di produzione nell’anno 231');
  });

  it('marks an analysis above its limit and only that one', () => {
    expect(flat).toMatch(/COD mg\/l 620 max 500 mg\/l OLTRE IL LIMITE/);
    expect(flat).toMatch(/Solidi sospesi totali mg\/l 85 max 200 mg\/l entro il limite/);
    expect(flat).toMatch(/pH unità pH 7,4 5,5–9,5 unità pH entro il limite/);
    expect(flat.match(/OLTRE IL LIMITE/g)).toHaveLength(1);
    expect(flat).toContain('rapporto di prova n. RP-2025/4471 · campione del 12/11/2025');
  });

  it('prints every answer of the risk-factor check-list with its notes', () => {
    expect(flat).toContain('Check-list dei fattori di rischio');
    expect(flat).toContain(
      '2 Lo scarico contiene, anche saltuariamente, sostanze pericolose? No —',
    );
    expect(flat).toContain(
      '3 Prima dello scarico in fognatura è presente un impianto di pretrattamento o Sì Disoleatore e sedimentatore prima del',
    );
    expect(flat).toContain('pozzetto di campionamento.');
    expect(flat).toContain(
      '7 Esiste una procedura scritta per la gestione degli sversamenti accidentali? No —',
    );
    const answers = flat.slice(flat.indexOf('Check-list dei fattori di rischio'));
    expect(answers.match(/ (Sì|No) (—|Disoleatore)/g)).toHaveLength(12);
  });

  it('estimates the tariff from the declared volume, not binding, naming the missing analyses', () => {
    expect(flat).toContain('Stima della tariffa (stima non vincolante)');
    // 15,574.75 m³ × 0.211803 €/m³ = 3,298.7813 €.
    expect(flat).toContain('V × Tf = 15.574,75 m³ × 0,211803 €/m³ 3.298,78 €');
    expect(flat).toContain('0,52 × 620 / 160 = 2,015');
    expect(flat).toContain(
      'Mancano le analisi dell’anno per Azoto totale (N): la stima comprende solo la parte di volume di QV.',
    );
    expect(flat).toContain('Totale stimato QV 3.298,78 €');
  });

  it('adds the quality part once every pollutant is analysed', async () => {
    const nitrogen = { ...record.analyses!.results[0]!, parameter: 'N', unit: 'mg/l', value: 20 };
    const results = [...record.analyses!.results, nitrogen];
    const whole = squeezed(
      await pdfText(
        await renderCopyOfRecord({
          ...record,
          tariffEstimate: tariffEstimateView(standardTariff, sewerLimits, 15_574.75, { results }),
        }),
      ),
    );
    // Factor 2.015 + 0.2975 + 0.3 + 0.155 = 2.7675; 15,574.75 × 0.097548 × 2.7675 = 4,204.6232.
    expect(whole).toContain('15.574,75 m³ × 0,097548 €/m³ × 2,7675 4.204,62 €');
    expect(whole).toContain('Totale stimato QV 7.503,40 €');
    expect(whole).not.toContain('Mancano le analisi');
  });

  it('lists the warnings the declarant acknowledged', () => {
    expect(flat).toContain('Segnalazioni confermate dal dichiarante');
    expect(flat).toContain(
      'Il volume scaricato differisce di oltre il 50% da quello dell’anno precedente.',
    );
    expect(flat).toContain('(DischargedVolumeYearOnYear)');
  });

  it('shows the full SHA-256 of every file, unbroken', () => {
    for (const file of record.files) {
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(text).toContain(file.sha256);
      expect(flat).toContain(file.filename);
    }
    expect(flat).toContain('6.551.203 byte');
  });

  it('keeps accented letters extractable', () => {
    for (const word of ['Città', 'Forlì', 'Niccolò', 'è rimasto', 'più giorni', 'perché', 'però'])
      expect(flat).toContain(word);
  });

  it('says when the declaration was late', async () => {
    const late = squeezed(await pdfText(await renderCopyOfRecord({ ...record, late: true })));
    expect(late).toContain('Presentata oltre il termine del 31/01/2026');
  });

  it('says so when there are no analyses, warnings or files', async () => {
    const empty = squeezed(
      await pdfText(
        await renderCopyOfRecord({
          ...record,
          analyses: null,
          checklist: null,
          warningsAcknowledged: [],
          files: [],
        }),
      ),
    );
    expect(empty).toContain('Nessuna analisi chimica allegata.');
    expect(empty).toContain('Check-list non caricata.');
    expect(empty).toContain('Nessuna segnalazione sui file caricati.');
    expect(empty).toContain('Nessun file.');
  });
});

describe('preview of the copy of record', () => {
  it('is marked as a preview and carries no protocol number', async () => {
    const flat = squeezed(await pdfText(await renderCopyOfRecord(preview)));
    expect(flat).toContain('ANTEPRIMA — non ancora inviata');
    expect(flat).not.toContain('2026/000123');
    expect(flat).not.toContain('Numero di protocollo');
    expect(flat).not.toContain('Copia conforme a quanto ricevuto');
    expect(flat).toContain('Tintoria Città di Forlì S.p.A.');
  });

  it('ignores a protocol number passed by mistake', async () => {
    const flat = squeezed(
      await pdfText(await renderCopyOfRecord({ ...preview, protocolNumber: '2026/000999' })),
    );
    expect(flat).not.toContain('2026/000999');
  });
});

describe('determinism of the copy of record', () => {
  it('renders byte-identical PDFs for the same input, also a second later', async () => {
    const first = await renderCopyOfRecord(record);
    expect((await renderCopyOfRecord(record)).equals(first)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await renderCopyOfRecord(record)).equals(first)).toBe(true);
    const firstPreview = await renderCopyOfRecord(preview);
    expect((await renderCopyOfRecord(preview)).equals(firstPreview)).toBe(true);
  }, 20_000);

  it('dates the document at the time of receipt', async () => {
    const info = await pdfInfo(await renderCopyOfRecord(record));
    expect(info.creationDate).toBe('2026-01-15T09:23:45Z');
    expect(info.modDate).toBe('2026-01-15T09:23:45Z');
    expect(info.producer).toMatch(/^Dichiara/);
  });

  it('differs when the time of receipt differs', async () => {
    const other = await renderCopyOfRecord({ ...record, receivedAt: '2026-01-15T09:23:46.000Z' });
    expect(other.equals(await renderCopyOfRecord(record))).toBe(false);
  });

  it('refuses a record without protocol number or time of receipt', async () => {
    await expect(renderCopyOfRecord({ ...record, protocolNumber: null })).rejects.toThrow(
      /protocol number/,
    );
    await expect(renderCopyOfRecord({ ...record, receivedAt: null })).rejects.toThrow(
      /time of receipt/,
    );
  });
});
