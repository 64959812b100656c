import { describe, expect, it } from 'vitest';
import {
  findMunicipality,
  findProvince,
  isMunicipalityOf,
  municipalitiesOf,
  provinces,
} from '../../../domain/shared/territory.js';

const collator = new Intl.Collator('it');

describe('provinces', () => {
  it('lists the 107 current provinces, without abolished ones or foreign countries', () => {
    const codes = provinces().map((province) => province.code);
    expect(codes).toHaveLength(107);
    expect(new Set(codes).size).toBe(107);
    expect(codes).toContain('SU');
    expect(codes).not.toContain('VS');
    expect(codes).not.toContain('EE');
  });

  it('gives each its 2-letter sigla and name, sorted by name', () => {
    const list = provinces();
    expect(list.every((province) => /^[A-Z]{2}$/.test(province.code))).toBe(true);
    const names = list.map((province) => province.name);
    expect(names).toEqual([...names].sort(collator.compare));
    expect(list).toContainEqual({ code: 'BO', name: 'Bologna' });
  });

  it('finds a province by sigla or by name, ignoring case and accents', () => {
    expect(findProvince('BO')).toEqual({ code: 'BO', name: 'Bologna' });
    expect(findProvince('bo')?.code).toBe('BO');
    expect(findProvince('Bologna')?.code).toBe('BO');
    expect(findProvince(' BOLOGNA ')?.code).toBe('BO');
    expect(findProvince('forli-cesena')?.code).toBe('FC');
    expect(findProvince("l'aquila")?.code).toBe('AQ');
    expect(findProvince('Reggio nell’Emilia')?.code).toBe('RE');
    expect(findProvince('XX')).toBeUndefined();
    expect(findProvince('')).toBeUndefined();
  });
});

describe('municipalities', () => {
  it('count about 7,900 across all provinces', () => {
    const total = provinces().reduce(
      (sum, province) => sum + municipalitiesOf(province.code).length,
      0,
    );
    expect(total).toBeGreaterThanOrEqual(7890);
    expect(total).toBeLessThanOrEqual(7910);
  });

  it('are listed per province, sorted by name', () => {
    const bologna = municipalitiesOf('BO');
    expect(bologna).toHaveLength(55);
    expect(bologna).toContain('Castenaso');
    expect(bologna).toContain('San Lazzaro di Savena');
    expect(bologna).toContain('Castel San Pietro Terme');
    expect(bologna).toEqual([...bologna].sort(collator.compare));
    expect(municipalitiesOf('bo')).toEqual(bologna);
  });

  it('are empty for an unknown province', () => {
    expect(municipalitiesOf('XX')).toEqual([]);
    expect(municipalitiesOf('EE')).toEqual([]);
  });

  it('are shown in Italian display case, accents restored', () => {
    expect(municipalitiesOf('RE')).toContain("Reggio nell'Emilia");
    expect(municipalitiesOf('FC')).toContain('Forlì');
    expect(municipalitiesOf('AQ')).toContain("L'Aquila");
    expect(municipalitiesOf('SA')).toContain("Cava de' Tirreni");
    expect(municipalitiesOf('AO')).toEqual(
      expect.arrayContaining(['Antey-Saint-André', 'Châtillon', 'Saint-Rhémy-en-Bosses']),
    );
    expect(municipalitiesOf('BG')).toContain('Sotto il Monte Giovanni XXIII');
    expect(municipalitiesOf('PD')).toContain("Vo'");
  });

  it('belong to their province regardless of case, accents and apostrophes', () => {
    expect(isMunicipalityOf('Castenaso', 'BO')).toBe(true);
    expect(isMunicipalityOf('san lazzaro di savena', 'Bologna')).toBe(true);
    expect(isMunicipalityOf("REGGIO NELL'EMILIA", 'RE')).toBe(true);
    expect(isMunicipalityOf('Reggio nell’Emilia', 'reggio emilia')).toBe(true);
    expect(isMunicipalityOf('Reggio nell Emilia', 'RE')).toBe(true);
    expect(isMunicipalityOf("FORLI'", 'FC')).toBe(true);
    expect(isMunicipalityOf('Forli', 'FC')).toBe(true);
    expect(isMunicipalityOf('Chatillon', 'AO')).toBe(true);
  });

  it('do not belong to another province', () => {
    expect(isMunicipalityOf('Castenaso', 'MO')).toBe(false);
    expect(isMunicipalityOf('Castenaso', 'XX')).toBe(false);
    expect(isMunicipalityOf('Castenas', 'BO')).toBe(false);
    expect(isMunicipalityOf('', 'BO')).toBe(false);
  });

  it('are found with their official display name', () => {
    expect(findMunicipality('sant agata bolognese', 'BO')).toBe("Sant'Agata Bolognese");
    expect(findMunicipality('Bologna', 'MO')).toBeUndefined();
  });
});
