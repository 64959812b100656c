import { describe, expect, it } from 'vitest';
import { defaultCampaignSettings } from '../../../domain/campaigns/defaultCampaignSettings.js';
import { renderTariffNote } from '../../../src/declarations/pdf/tariffNote.js';
import { pdfText, squeezed } from './pdfText.js';

const settings = defaultCampaignSettings(2025, '2026-01-31');

describe('tariff note', () => {
  it('explains the formula with the campaign’s rates, shares and references', async () => {
    const flat = squeezed(await pdfText(await renderTariffNote(settings)));
    expect(flat).toContain('Nota informativa sulla formula tariffaria');
    expect(flat).toContain('T = QF + QC + QV');
    expect(flat).toContain('Tf, tariffa di fognatura 0,211803 €/m³');
    expect(flat).toContain('Td, tariffa di depurazione 0,097548 €/m³');
    expect(flat).toContain('Td_cap, tariffa di capacità 0,000210183 €/g');
    expect(flat).toMatch(/COD 52% 160 mg\/l/);
    expect(flat).toMatch(/Solidi sospesi totali \(SST\) 28% 80 mg\/l/);
    expect(flat).toContain('configurate dal gestore per la campagna 2025');
    expect(flat).toContain('deliberazione 665/2017/R/idr, Allegato A');
    expect(flat).toContain('TICSI');
    expect(flat).toContain('Art. 155 D.Lgs. 152/2006');
  });

  it('works an example out with those rates', async () => {
    const flat = squeezed(await pdfText(await renderTariffNote(settings)));
    // 10.000 m³ × (0,211803 + 0,097548 × 1,52) = 3.600,76 €
    expect(flat).toContain('10.000 m³ × (0,211803 + 0,097548 × 1,52) = 3.600,76 €');
    // 0,000210183 €/g × (52% × 500 + 28% × 200) g/m³ × 12.000 m³ = 797,01 €
    expect(flat).toContain('= 797,01 €');
  });

  it('prints another campaign’s figures, not constants', async () => {
    const other = {
      ...settings,
      year: 2026,
      tariff: {
        ...settings.tariff,
        tf: 0.25,
        td: 0.1125,
        pollutants: [
          ...settings.tariff.pollutants,
          { parameter: 'TENSIOATTIVI', share: 0.1, referenceConcentration: 4 },
        ],
      },
    };
    const flat = squeezed(await pdfText(await renderTariffNote(other)));
    expect(flat).toContain('Tf, tariffa di fognatura 0,25 €/m³');
    expect(flat).toContain('Td, tariffa di depurazione 0,1125 €/m³');
    expect(flat).toMatch(/Tensioattivi totali \(TENSIOATTIVI\) 10% 4 mg\/l/);
    expect(flat).toContain('campagna 2026');
    expect(flat).not.toContain('0,211803');
  });

  it('renders the same bytes twice', async () => {
    const first = await renderTariffNote(settings);
    expect((await renderTariffNote(settings)).equals(first)).toBe(true);
  });
});
