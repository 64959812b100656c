import type { Kysely } from 'kysely';
import { collectionMethodLabel } from '../../domain/observatory/reference/collectionMethods.js';
import { eerCode, formatEer } from '../../domain/observatory/reference/eerCodes.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { ratePercent, rdClassOf } from '../../domain/observatory/reference/separateCollection.js';
import { flowsOfYear } from '../../projections/observatory/wasteFlows.js';
import { yearValidations } from '../../projections/observatory/yearValidations.js';
import type { Schema } from '../platform/db/schema.js';
import { csvDocument } from '../platform/http/csv.js';

/** The licence of everything under /osservatorio/dati-aperti. */
export const openDataLicence = {
  nome: 'Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)',
  url: 'https://creativecommons.org/licenses/by/4.0/deed.it',
} as const;

/** Until the Region validates a year, every figure is the municipalities' own (not validated). */
export const provisional = 'non validato';
/** A year the Region validated: its figures are the ones the certified rate was computed from. */
export const certified = 'validato';

/** A rate as a percentage with one decimal, comma as in the CSV files; null for none. */
export const percentText = (rate: number | null): string | null =>
  rate === null ? null : ratePercent(rate);

/** The same for JSON: a number (72.4), or null. */
const percentNumber = (rate: number | null): number | null =>
  rate === null ? null : Math.round(rate * 1000) / 10;

const rdClassCodes = { separate: 'differenziata', unsorted: 'indifferenziata', neutral: 'neutra' };

/** The detail's columns, in order, as the page documents them and the JSON repeats them. */
export const detailSchema = [
  { nome: 'codice_istat', tipo: 'testo', descrizione: 'Codice ISTAT del comune, sei cifre.' },
  { nome: 'comune', tipo: 'testo', descrizione: 'Nome del comune.' },
  { nome: 'provincia', tipo: 'testo', descrizione: 'Sigla della provincia.' },
  { nome: 'mese', tipo: 'testo', descrizione: 'Mese dei conferimenti, AAAA-MM.' },
  { nome: 'versione', tipo: 'intero', descrizione: 'Versione inviata pubblicata (1 la prima).' },
  {
    nome: 'codice_eer',
    tipo: 'testo',
    descrizione: 'Codice EER del rifiuto, «20 03 01»; con l’asterisco se pericoloso («20 01 21*»).',
  },
  { nome: 'descrizione_eer', tipo: 'testo', descrizione: 'Descrizione ufficiale del codice EER.' },
  {
    nome: 'classe_rd',
    tipo: 'testo',
    descrizione:
      'Come conta nella raccolta differenziata (DM 26 maggio 2016): differenziata, indifferenziata o neutra.',
  },
  {
    nome: 'tonnellate',
    tipo: 'decimale',
    descrizione: 'Quantità in tonnellate, fino a tre decimali (virgola nel CSV).',
  },
  { nome: 'modalita_raccolta', tipo: 'testo', descrizione: 'Modalità di raccolta.' },
  { nome: 'trasportatore', tipo: 'testo', descrizione: 'Trasportatore dichiarato dal comune.' },
  { nome: 'impianto_destinazione', tipo: 'testo', descrizione: 'Impianto di destinazione.' },
  {
    nome: 'operazione',
    tipo: 'testo',
    descrizione: 'Operazione di recupero (R) o smaltimento (D).',
  },
  {
    nome: 'percentuale_rd_certificata',
    tipo: 'decimale',
    descrizione:
      'Raccolta differenziata dell’anno del comune certificata dalla Regione, in percentuale con un decimale (virgola nel CSV); vuota finché l’anno non è validato.',
  },
  {
    nome: 'stato_dato',
    tipo: 'testo',
    descrizione: `«${certified}»: l’anno del comune è validato dalla Regione e la riga è tra quelle da cui è calcolata la percentuale certificata; «${provisional}»: il dato è quello inserito dal comune, non ancora validato dalla Regione.`,
  },
] as const;

type Column = (typeof detailSchema)[number]['nome'];
type DetailLine = {
  readonly [Name in Column]: Name extends 'versione' | 'tonnellate'
    ? number
    : Name extends 'percentuale_rd_certificata'
      ? number | null
      : string;
};

/**
 * Every row of every month submitted in the year (of one province, or of the region), in the
 * order municipality, month, row: the last submitted version of each, never a draft.
 */
export async function detailLines(
  db: Kysely<Schema>,
  year: number,
  province?: string,
): Promise<DetailLine[]> {
  const flows = await flowsOfYear(db, year);
  const validations = await yearValidations(db, year);
  return flows.flatMap((flow) => {
    const municipality = municipalityByIstat(flow.istatCode);
    if (!municipality || flow.versions === 0) return [];
    if (province && municipality.province !== province) return [];
    const validation = validations.get(flow.istatCode);
    const certifiedRate = validation?.status === 'validato' ? validation.certifiedRate : null;
    return flow.submittedRows.map((row) => {
      // A code the reference list no longer holds is published as filed, without its class.
      const entry = eerCode(row.eerCode);
      return {
        codice_istat: municipality.istatCode,
        comune: municipality.name,
        provincia: municipality.province,
        mese: flow.month,
        versione: flow.versions,
        codice_eer: `${formatEer(row.eerCode)}${entry?.hazardous ? '*' : ''}`,
        descrizione_eer: entry?.description ?? '',
        classe_rd: entry ? rdClassCodes[rdClassOf(row)] : '',
        tonnellate: row.tonnes,
        modalita_raccolta: collectionMethodLabel(row.collectionMethod) ?? row.collectionMethod,
        trasportatore: row.transporter,
        impianto_destinazione: row.destinationPlant,
        operazione: row.operation,
        percentuale_rd_certificata: percentNumber(certifiedRate),
        stato_dato: certifiedRate === null ? provisional : certified,
      };
    });
  });
}

export const detailCsv = (lines: readonly DetailLine[]): string =>
  csvDocument(
    detailSchema.map((column) => column.nome),
    lines.map((line) =>
      detailSchema.map(({ nome }) =>
        nome === 'tonnellate'
          ? line.tonnellate.toFixed(3).replace('.', ',')
          : nome === 'percentuale_rd_certificata'
            ? (line.percentuale_rd_certificata?.toFixed(1).replace('.', ',') ?? null)
            : line[nome],
      ),
    ),
  );

/** The JSON document: what it is, its licence and schema, then the rows. */
export const detailJson = (
  lines: readonly DetailLine[],
  about: { readonly anno: number; readonly provincia: string | null; readonly generatoIl: string },
) => ({
  titolo: 'Flussi mensili dei rifiuti urbani per comune e codice EER',
  fonte:
    'Osservatorio regionale dei rifiuti: dati inseriti dai comuni, validati dalla Regione dove «stato_dato» è «validato»',
  licenza: openDataLicence,
  anno: about.anno,
  provincia: about.provincia,
  generato_il: about.generatoIl,
  // Row by row in «righe»; here the document's: one word when every row says the same.
  stato_dato: documentState(lines),
  campi: detailSchema,
  righe: lines,
});

/** The document's state: «validato» or «non validato» when all its rows agree, else «in parte validato». */
function documentState(lines: readonly DetailLine[]): string {
  const states = new Set(lines.map((line) => line.stato_dato));
  if (states.size === 1) return [...states][0]!;
  return states.size === 0 ? provisional : `in parte ${certified}`;
}
