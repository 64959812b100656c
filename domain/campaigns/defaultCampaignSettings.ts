import {
  defaultReminderDays,
  type CampaignSettings,
  type ParameterLimit,
  type TariffSettings,
} from './campaignSettings.js';

/**
 * Defaults an operator starts from when opening a campaign. Limits: D.Lgs. 152/2006, Allegato 5
 * Parte III, Tabella 3, "scarico in rete fognaria" (COD corroborated, the rest to verify against the
 * official text; the utility's own limits override them). Tariff: ARERA TICSI standard shares and
 * references with one area's 2022 rates as an example.
 */
const limit = (
  parameter: string,
  label: string,
  max: number | null,
  unit = 'mg/l',
  min: number | null = null,
): ParameterLimit => ({
  parameter,
  label,
  unit,
  max,
  min,
});

export const sewerLimits: readonly ParameterLimit[] = [
  limit('PH', 'pH', 9.5, 'unità pH', 5.5),
  limit('SST', 'Solidi sospesi totali', 200),
  limit('BOD5', 'BOD5', 250),
  limit('COD', 'COD', 500),
  limit('AL', 'Alluminio', 2.0),
  limit('AS', 'Arsenico', 0.5),
  limit('B', 'Boro', 4),
  limit('CD', 'Cadmio', 0.02),
  limit('CR', 'Cromo totale', 4),
  limit('CR6', 'Cromo VI', 0.2),
  limit('FE', 'Ferro', 4),
  limit('MN', 'Manganese', 4),
  limit('HG', 'Mercurio', 0.005),
  limit('NI', 'Nichel', 4),
  limit('PB', 'Piombo', 0.3),
  limit('CU', 'Rame', 0.4),
  limit('SE', 'Selenio', 0.03),
  limit('ZN', 'Zinco', 1.0),
  limit('CN', 'Cianuri totali', 1.0),
  limit('CL2', 'Cloro attivo libero', 0.3),
  limit('S', 'Solfuri', 2),
  limit('SO3', 'Solfiti', 2),
  limit('SO4', 'Solfati', 1000),
  limit('CL', 'Cloruri', 1200),
  limit('F', 'Fluoruri', 12),
  limit('P', 'Fosforo totale', 10),
  limit('NH4', 'Azoto ammoniacale (NH4)', 30),
  limit('NO2', 'Azoto nitroso (N)', 0.6),
  limit('NO3', 'Azoto nitrico (N)', 30),
  limit('GRASSI', 'Grassi e oli animali/vegetali', 40),
  limit('IDROCARBURI', 'Idrocarburi totali', 10),
  limit('FENOLI', 'Fenoli', 1),
  limit('ALDEIDI', 'Aldeidi', 2),
  limit('SOLV-AROM', 'Solventi organici aromatici', 0.4),
  limit('SOLV-AZOT', 'Solventi organici azotati', 0.2),
  limit('TENSIOATTIVI', 'Tensioattivi totali', 4),
  limit('SOLV-CLOR', 'Solventi clorurati', 2),
  limit('N', 'Azoto totale', null),
];

export const standardTariff: TariffSettings = {
  tf: 0.211803,
  td: 0.097548,
  tdCap: 0.000210183,
  pollutants: [
    { parameter: 'COD', share: 0.52, referenceConcentration: 160 },
    { parameter: 'SST', share: 0.28, referenceConcentration: 80 },
    { parameter: 'N', share: 0.15, referenceConcentration: 10 },
    { parameter: 'P', share: 0.05, referenceConcentration: 1 },
  ],
};

export const templateVersion = (year: number): string => `${year}.1`;

export function defaultCampaignSettings(year: number, deadline: string): CampaignSettings {
  return {
    year,
    deadline,
    templateVersion: templateVersion(year),
    tariff: standardTariff,
    limits: sewerLimits,
    volumeTolerance: 0.05,
    yearOnYearTolerance: 0.5,
    reminderDays: defaultReminderDays,
  };
}
