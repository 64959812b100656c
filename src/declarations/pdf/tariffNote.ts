import type { Content, TableCell } from 'pdfmake/interfaces.js';
import type {
  CampaignSettings,
  TariffPollutant,
} from '../../../domain/campaigns/campaignSettings.js';
import { formatEuro, formatNumber, formatPercent, formatRate } from './italianFormat.js';
import { facts, right, section, titledTable } from './pdfBlocks.js';
import { pollutantName } from '../tariffEstimateView.js';
import { fixedDocumentDate, pageFooter, renderPdf } from './pdfRenderer.js';

/** The worked example: a typical plant, its first pollutant at twice the reference, the rest at it. */
const example = {
  volume: 10_000,
  authorisedVolume: 12_000,
  authorisedCod: 500,
  authorisedSst: 200,
};

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

const share = (settings: CampaignSettings, parameter: string) =>
  settings.tariff.pollutants.find((p) => p.parameter === parameter)?.share ?? 0;

function workedExample(settings: CampaignSettings): Content[] {
  const { tf, td, tdCap, pollutants } = settings.tariff;
  const concentration = (p: TariffPollutant, index: number) =>
    p.referenceConcentration * (index === 0 ? 2 : 1);
  const ratio = (p: TariffPollutant, index: number) =>
    (p.share * concentration(p, index)) / p.referenceConcentration;
  const bracket = pollutants.reduce((total, p, i) => total + ratio(p, i), 0);
  const qv = example.volume * (tf + td * bracket);
  const capacityLoad =
    share(settings, 'COD') * example.authorisedCod + share(settings, 'SST') * example.authorisedSst;
  const qc = tdCap * capacityLoad * example.authorisedVolume;
  return [
    titledTable({
      title: 'Esempio di calcolo',
      caption: `Uno scarico di ${formatNumber(example.volume)} m³ nell’anno, autorizzato per ${formatNumber(example.authorisedVolume)} m³ con COD ${formatNumber(example.authorisedCod)} mg/l e SST ${formatNumber(example.authorisedSst)} mg/l, con le concentrazioni medie misurate seguenti:`,
      widths: ['*', 'auto', 'auto', 'auto'],
      columns: ['Inquinante', 'Concentrazione misurata', 'Riferimento', 'Quota × rapporto'],
      rows: pollutants.map((p, i): TableCell[] => [
        { text: pollutantName(settings.limits, p.parameter) },
        right(`${formatNumber(concentration(p, i))} mg/l`),
        right(`${formatNumber(p.referenceConcentration)} mg/l`),
        right(formatRate(round6(ratio(p, i)))),
      ]),
    }),
    facts(
      undefined,
      [
        ['Fattore di qualità (somma)', formatRate(round6(bracket))],
        [
          'QV',
          `${formatNumber(example.volume)} m³ × (${formatRate(tf)} + ${formatRate(td)} × ${formatRate(round6(bracket))}) = ${formatEuro(qv)}`,
        ],
        [
          'QC',
          `${formatRate(tdCap)} €/g × ${formatNumber(capacityLoad)} g/m³ × ${formatNumber(example.authorisedVolume)} m³ = ${formatEuro(qc)}`,
        ],
        ['T', `QF + ${formatEuro(qc)} + ${formatEuro(qv)}, con QF fissata dal gestore`],
      ],
      170,
    ),
  ];
}

function formula(settings: CampaignSettings): Content[] {
  const codShare = formatPercent(share(settings, 'COD'));
  const sstShare = formatPercent(share(settings, 'SST'));
  return section('La formula', [
    {
      text: 'T = QF + QC + QV',
      bold: true,
      fontSize: 13,
      alignment: 'center',
      margin: [0, 2, 0, 6],
    },
    {
      ul: [
        'QF, quota fissa: copre la gestione del contratto, la misura e i controlli di qualità (il costo del numero minimo annuo di analisi); non può superare il 5% dei ricavi della tariffa industriale.',
        `QC, quota capacità: QC = Td_cap × (${codShare} × COD_aut + ${sstShare} × SST_aut) × V_aut, con concentrazioni (mg/l) e volume massimo (m³) dell’autorizzazione allo scarico.`,
        'QV, quota variabile: QV = V × [Tf + Td × somma di (quota_i × C_i / C_i,rif)], dove V è il volume scaricato nell’anno, C_i la concentrazione media misurata dell’inquinante i e C_i,rif quella di riferimento. Se ogni concentrazione è pari al riferimento, la somma vale 1.',
      ],
      margin: [0, 0, 0, 4],
    },
  ]);
}

function campaignFigures(settings: CampaignSettings): Content[] {
  const { tf, td, tdCap, pollutants } = settings.tariff;
  return [
    facts(`Valori della campagna ${settings.year}`, [
      ['Tf, tariffa di fognatura', `${formatRate(tf)} €/m³`],
      ['Td, tariffa di depurazione', `${formatRate(td)} €/m³`],
      ['Td_cap, tariffa di capacità', `${formatRate(tdCap)} €/g`],
    ]),
    titledTable({
      widths: ['*', 'auto', 'auto'],
      columns: ['Inquinante', 'Quota di Td', 'Concentrazione di riferimento'],
      rows: pollutants.map((p): TableCell[] => [
        { text: pollutantName(settings.limits, p.parameter) },
        right(formatPercent(p.share)),
        right(`${formatNumber(p.referenceConcentration)} mg/l`),
      ]),
    }),
  ];
}

const legalBasis: Content[] = section('Riferimenti normativi', [
  {
    ul: [
      'ARERA, deliberazione 665/2017/R/idr, Allegato A — Testo integrato corrispettivi servizi idrici (TICSI), corrispettivi di fognatura e depurazione dei reflui industriali.',
      'Art. 155 D.Lgs. 152/2006: la tariffa dei reflui industriali è commisurata alla quantità e alla qualità delle acque scaricate.',
      'Art. 165 D.Lgs. 152/2006: la dichiarazione annuale degli scarichi, base del calcolo.',
    ],
  },
]);

/** "Nota informativa sulla formula tariffaria" with the campaign's own rates and a worked example. */
export async function renderTariffNote(settings: CampaignSettings): Promise<Buffer> {
  const title = 'Nota informativa sulla formula tariffaria';
  return renderPdf(
    {
      content: [
        { text: title, style: 'title' },
        {
          text: `Scarichi di acque reflue industriali in pubblica fognatura — dichiarazione dell’anno ${settings.year}`,
          style: 'subtitle',
        },
        ...formula(settings),
        ...campaignFigures(settings),
        {
          text: `Le tariffe e le quote indicate sono quelle configurate dal gestore per la campagna ${settings.year}, secondo le determinazioni dell’Ente di governo d’ambito; possono cambiare da un anno all’altro.`,
          style: 'muted',
          margin: [0, 4, 0, 0],
        },
        ...workedExample(settings),
        ...legalBasis,
      ],
      footer: pageFooter(`Formula tariffaria · campagna ${settings.year}`),
    },
    { title, subject: `Campagna ${settings.year}`, date: fixedDocumentDate },
  );
}
