import { defaultCampaignSettings } from '../../domain/campaigns/defaultCampaignSettings.js';
import { italian } from './limitRows.js';
import { reminderDaysLine } from './reminderDays.js';

/** The form's values for the defaults an operator starts from (rates, Tabella 3, ARERA shares). */
export function campaignFormValues(year: number) {
  const defaults = defaultCampaignSettings(year, `${year + 1}-01-31`);
  return {
    anno: String(year),
    scadenza: defaults.deadline,
    versione: defaults.templateVersion,
    tf: italian(defaults.tariff.tf),
    td: italian(defaults.tariff.td),
    tdCap: italian(defaults.tariff.tdCap),
    tolleranza: italian(defaults.volumeTolerance * 100),
    tolleranzaAnnua: italian(defaults.yearOnYearTolerance * 100),
    promemoria: reminderDaysLine(defaults.reminderDays ?? []),
    inquinanti: [
      ...defaults.tariff.pollutants.map((p) => ({
        parametro: p.parameter,
        quota: italian(Math.round(p.share * 10_000) / 100),
        riferimento: italian(p.referenceConcentration),
      })),
      // Room for the area's own pollutants (surfactants, metals, …).
      { parametro: '', quota: '', riferimento: '' },
      { parametro: '', quota: '', riferimento: '' },
    ],
    limiti: defaults.limits.map((limit) => ({
      parametro: limit.parameter,
      minimo: italian(limit.min),
      massimo: italian(limit.max),
    })),
  };
}
