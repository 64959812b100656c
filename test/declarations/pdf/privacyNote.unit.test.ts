import { describe, expect, it } from 'vitest';
import { renderPrivacyNote } from '../../../src/declarations/pdf/privacyNote.js';
import { pdfText, squeezed } from './pdfText.js';

const input = { year: 2025, utilityName: 'Acque del Titolare S.p.A.' };

describe('privacy note', () => {
  it('is the art. 13 notice for the year, naming the utility as controller', async () => {
    const flat = squeezed(await pdfText(await renderPrivacyNote(input)));
    expect(flat).toContain('Informativa sul trattamento dei dati personali');
    expect(flat).toContain('art. 13 del Regolamento (UE) 2016/679');
    expect(flat).toContain('anno 2025');
    expect(flat).toContain('«Dichiarazione scarichi industriali 2025»');
    expect(flat).toContain(
      'Titolare del trattamento è il gestore del servizio idrico integrato, Acque del Titolare S.p.A.',
    );
    expect(flat).toContain('art. 165 D.Lgs. 152/2006');
    expect(flat).toContain('art. 155 D.Lgs. 152/2006');
    expect(flat).toContain('Garante per la protezione dei dati personali');
    expect(flat).toMatch(/conservati per dieci anni/);
  });

  it('renders the same bytes twice', async () => {
    const first = await renderPrivacyNote(input);
    expect((await renderPrivacyNote(input)).equals(first)).toBe(true);
  });
});
