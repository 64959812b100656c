/**
 * The EER codes (Elenco europeo dei rifiuti, Decision 2000/532/EC as replaced by 2014/955/EU;
 * Allegato D, parte IV, D.Lgs. 152/2006) that a municipality files in its monthly flows: all of
 * chapter 20 (municipal waste) and 15 01 (packaging), with the official Italian descriptions.
 * An asterisk marks a hazardous entry.
 *
 * Each code is tagged for the separate-collection rate of DM 26 May 2016 (see
 * separateCollection.ts): 'separate' counts in the numerator and the denominator, 'unsorted' only
 * in the denominator, 'neutral' in neither, and 'depends-on-destination' is separate when the
 * destination plant recovers it (R operation) and unsorted when it disposes of it (D operation).
 *
 * Not expressible by code, so not here: beach waste ("spiaggiati") and cemetery waste from
 * exhumations and burials (DPR 254/2003) are neutral by origin, but have no EER code of their own
 * (they are filed under whatever code fits the material; the 20 02 heading even includes garden
 * waste from cemeteries, which is ordinary separate green waste). Regulated home composting counts
 * as separate but is estimated, not collected, so it has no row either. Telling them apart would
 * need a flag on the row, not a tag on the code.
 */

export type RdClass = 'separate' | 'unsorted' | 'neutral' | 'depends-on-destination';

export interface EerCode {
  /** Six digits, no spaces: '200301'. Shown as '20 03 01' (formatEer). */
  readonly code: string;
  /** Official Italian description. */
  readonly description: string;
  /** Marked with an asterisk in the list. */
  readonly hazardous: boolean;
  readonly rdClass: RdClass;
}

/** The sub-chapters covered, with their official headings, in list order. */
export const eerGroups: readonly { readonly code: string; readonly title: string }[] = [
  {
    code: '1501',
    title:
      'imballaggi (compresi i rifiuti urbani di imballaggio oggetto di raccolta differenziata)',
  },
  { code: '2001', title: 'frazioni oggetto di raccolta differenziata (tranne 15 01)' },
  {
    code: '2002',
    title: 'rifiuti prodotti da giardini e parchi (inclusi i rifiuti provenienti da cimiteri)',
  },
  { code: '2003', title: 'altri rifiuti urbani' },
];

// As printed in the list: code (with * when hazardous), description, then the tag.
const LIST: readonly (readonly [string, string, RdClass])[] = [
  // 15 01: packaging collected separately, hazardous or not, counts as separate collection.
  ['15 01 01', 'imballaggi di carta e cartone', 'separate'],
  ['15 01 02', 'imballaggi di plastica', 'separate'],
  ['15 01 03', 'imballaggi in legno', 'separate'],
  ['15 01 04', 'imballaggi metallici', 'separate'],
  ['15 01 05', 'imballaggi in materiali compositi', 'separate'],
  // Multi-material collection: counted whole, rejects included (DM 26/5/2016).
  ['15 01 06', 'imballaggi in materiali misti', 'separate'],
  ['15 01 07', 'imballaggi di vetro', 'separate'],
  ['15 01 09', 'imballaggi in materia tessile', 'separate'],
  [
    '15 01 10*',
    'imballaggi contenenti residui di sostanze pericolose o contaminati da tali sostanze',
    'separate',
  ],
  [
    '15 01 11*',
    'imballaggi metallici contenenti matrici solide porose pericolose (ad esempio amianto), compresi i contenitori a pressione vuoti',
    'separate',
  ],
  // 20 01: the fractions of separate collection by definition; hazardous household fractions
  // (batteries, medicines, paints, WEEE) count too.
  ['20 01 01', 'carta e cartone', 'separate'],
  ['20 01 02', 'vetro', 'separate'],
  ['20 01 08', 'rifiuti biodegradabili di cucine e mense', 'separate'],
  ['20 01 10', 'abbigliamento', 'separate'],
  ['20 01 11', 'prodotti tessili', 'separate'],
  ['20 01 13*', 'solventi', 'separate'],
  ['20 01 14*', 'acidi', 'separate'],
  ['20 01 15*', 'sostanze alcaline', 'separate'],
  ['20 01 17*', 'prodotti fotochimici', 'separate'],
  ['20 01 19*', 'pesticidi', 'separate'],
  ['20 01 21*', 'tubi fluorescenti ed altri rifiuti contenenti mercurio', 'separate'],
  ['20 01 23*', 'apparecchiature fuori uso contenenti clorofluorocarburi', 'separate'],
  ['20 01 25', 'oli e grassi commestibili', 'separate'],
  ['20 01 26*', 'oli e grassi diversi da quelli di cui alla voce 20 01 25', 'separate'],
  ['20 01 27*', 'vernici, inchiostri, adesivi e resine contenenti sostanze pericolose', 'separate'],
  [
    '20 01 28',
    'vernici, inchiostri, adesivi e resine diversi da quelli di cui alla voce 20 01 27',
    'separate',
  ],
  ['20 01 29*', 'detergenti, contenenti sostanze pericolose', 'separate'],
  ['20 01 30', 'detergenti diversi da quelli di cui alla voce 20 01 29', 'separate'],
  ['20 01 31*', 'medicinali citotossici e citostatici', 'separate'],
  ['20 01 32', 'medicinali diversi da quelli di cui alla voce 20 01 31', 'separate'],
  [
    '20 01 33*',
    'batterie e accumulatori di cui alle voci 16 06 01, 16 06 02 e 16 06 03, nonché batterie e accumulatori non suddivisi contenenti tali batterie',
    'separate',
  ],
  ['20 01 34', 'batterie e accumulatori diversi da quelli di cui alla voce 20 01 33', 'separate'],
  [
    '20 01 35*',
    'apparecchiature elettriche ed elettroniche fuori uso, diverse da quelle di cui alla voce 20 01 21 e 20 01 23, contenenti componenti pericolosi',
    'separate',
  ],
  [
    '20 01 36',
    'apparecchiature elettriche ed elettroniche fuori uso, diverse da quelle di cui alle voci 20 01 21, 20 01 23 e 20 01 35',
    'separate',
  ],
  ['20 01 37*', 'legno contenente sostanze pericolose', 'separate'],
  ['20 01 38', 'legno diverso da quello di cui alla voce 20 01 37', 'separate'],
  ['20 01 39', 'plastica', 'separate'],
  ['20 01 40', 'metalli', 'separate'],
  ['20 01 41', 'rifiuti prodotti dalla pulizia di camini e ciminiere', 'separate'],
  // Other separately collected fractions with no code of their own (e.g. toner, inks); not
  // cemetery waste, which is neutral by origin and has no code (see the head of this file).
  ['20 01 99', 'altre frazioni non specificate altrimenti', 'separate'],
  // 20 02: green waste is separate. Non-biodegradable garden waste (pots, plastic sheets) is
  // collected apart from the unsorted stream, so separate too.
  ['20 02 01', 'rifiuti biodegradabili', 'separate'],
  // Soil and stones are inert material, not a fraction of municipal waste collection: left out of
  // both sides, like construction inerts beyond the domestic allowance.
  ['20 02 02', 'terra e roccia', 'neutral'],
  ['20 02 03', 'altri rifiuti non biodegradabili', 'separate'],
  // 20 03: the unsorted stream and the fractions whose fate decides.
  ['20 03 01', 'rifiuti urbani non differenziati', 'unsorted'],
  // Market waste is collected on its own at the market (mostly organic and packaging): separate.
  ['20 03 02', 'rifiuti dei mercati', 'separate'],
  // Street sweepings count as separate only when sent to recovery (DM 26/5/2016).
  ['20 03 03', 'residui della pulizia stradale', 'depends-on-destination'],
  // Septic tank sludge and sewer cleaning waste are liquid-borne sanitation waste, not part of
  // the collected municipal waste on which the rate is measured: neutral.
  ['20 03 04', 'fanghi delle fosse settiche', 'neutral'],
  ['20 03 06', 'rifiuti della pulizia delle fognature', 'neutral'],
  // Bulky waste: separate when sent to recovery, unsorted when sent to disposal (DM 26/5/2016).
  ['20 03 07', 'rifiuti ingombranti', 'depends-on-destination'],
  // Mixed municipal waste under another name: unsorted like 20 03 01.
  ['20 03 99', 'rifiuti urbani non specificati altrimenti', 'unsorted'],
];

/** The codes of 15 01 and chapter 20, in list order. */
export const eerCodes: readonly EerCode[] = LIST.map(([printed, description, rdClass]) => ({
  code: printed.replace(/[ *]/g, ''),
  description,
  hazardous: printed.endsWith('*'),
  rdClass,
}));

const byCode = new Map(eerCodes.map((entry) => [entry.code, entry]));

/**
 * Six digits from '20 03 01', '200301', '20.03.01' or '20-03-01' (an asterisk after it is
 * allowed: '20 01 21*'); null if it is not shaped like an EER code. Says nothing about whether
 * the code exists: see eerCode.
 */
export function parseEer(text: string): string | null {
  const match = /^(\d{2})[ .-]?(\d{2})[ .-]?(\d{2})\s*\*?$/.exec(text.trim());
  return match ? `${match[1]}${match[2]}${match[3]}` : null;
}

/** '200301' → '20 03 01'; any form parseEer reads is accepted, anything else comes back as is. */
export function formatEer(code: string): string {
  const digits = parseEer(code);
  return digits ? `${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4)}` : code;
}

/** The entry of a municipal-waste code, in any form parseEer reads; undefined if not listed. */
export function eerCode(code: string): EerCode | undefined {
  const digits = parseEer(code);
  return digits ? byCode.get(digits) : undefined;
}
