const utf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');
// Bytes Windows-1252 leaves undefined: a file that has them is in neither encoding.
const undefinedIn1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
// What Windows-1252 has at 0x80–0x9F (€, typographic quotes, dashes…): Node 20's TextDecoder
// gives Latin-1's C1 controls for those bytes, so they are mapped again here.
const from0x80 =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';
const fromWindows1252 = (content: Uint8Array) =>
  windows1252
    .decode(content)
    .replace(/[\u0080-\u009F]/g, (char) => from0x80[char.charCodeAt(0) - 0x80]!);

/**
 * The text of a CSV file: UTF-8 (its BOM dropped) when the bytes are valid UTF-8, else
 * Windows-1252, which is what Excel for Windows writes as plain "CSV" in Italy ('è' as 0xE8);
 * null when the bytes are neither.
 */
export function decodeCsv(content: Uint8Array): string | null {
  try {
    return utf8.decode(content);
  } catch {
    return content.some((byte) => undefinedIn1252.has(byte)) ? null : fromWindows1252(content);
  }
}

export const unknownEncodingMessage =
  'Il file CSV non è in una codifica riconosciuta (UTF-8 o Windows-1252): salvarlo da Excel ' +
  'come «CSV UTF-8» e riprovare.';

const problems: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'le virgolette aperte in questa cella non vengono mai chiuse.',
  CSV_INVALID_CLOSING_QUOTE:
    'dopo le virgolette che chiudono la cella deve esserci il separatore o la fine della riga.',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    'dopo le virgolette che chiudono la cella deve esserci il separatore o la fine della riga.',
  INVALID_OPENING_QUOTE:
    'virgolette a metà della cella: racchiudere tra virgolette l’intera cella e raddoppiare ' +
    'quelle al suo interno ("").',
};

/** What csv-parse adds to its errors: `records` read before the faulty one, 0-based `column`. */
interface CsvParseError {
  readonly code?: unknown;
  readonly records?: unknown;
  readonly column?: unknown;
}

/**
 * A csv-parse error in Italian, with the row (counted as the rejected rows are) and the column;
 * the library's own English text, which quotes raw bytes of the file, is never shown.
 */
export function csvErrorMessage(error: unknown): string {
  const { code, records, column } = (error ?? {}) as CsvParseError;
  const problem =
    (typeof code === 'string' && problems[code]) || 'la riga non è scritta in formato CSV valido.';
  if (typeof records !== 'number') return `Il file CSV non è leggibile: ${problem}`;
  const place =
    typeof column === 'number'
      ? `Riga ${records + 1}, colonna ${column + 1}`
      : `Riga ${records + 1}`;
  return `Il file CSV non è leggibile. ${place}: ${problem}`;
}
