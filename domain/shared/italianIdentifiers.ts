/**
 * Italian identifiers typed in the registration forms. The validators are strict about spacing
 * (call `normalizeTaxId` first) and only case-insensitive where the identifier has letters.
 */

/** Trims, removes inner spaces and upper-cases a Partita IVA or Codice Fiscale as typed. */
export function normalizeTaxId(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/**
 * Partita IVA: 11 digits, the last a check digit. Digits in odd positions (1st, 3rd, …) are summed
 * as they are, those in even positions doubled (minus 9 above 9); the check digit is
 * (10 − sum mod 10) mod 10. All zeros passes the arithmetic but is no one's number.
 */
export function isValidPartitaIva(value: string): boolean {
  if (!/^\d{11}$/.test(value) || /^0+$/.test(value)) return false;
  let sum = 0;
  for (let index = 0; index < 10; index += 1) {
    const digit = Number(value[index]);
    if (index % 2 === 0) sum += digit;
    else sum += digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
  }
  return (10 - (sum % 10)) % 10 === Number(value[10]);
}

// Omocodia: when two people would share a code, digits are replaced, right to left, by these
// letters (L = 0, M = 1, … V = 9).
const OMOCODIA_LETTERS = 'LMNPQRSTUV';
const DIGIT = `[0-9${OMOCODIA_LETTERS}]`;
const MONTH_LETTERS = 'ABCDEHLMPRST';
const PERSONAL_CODE = new RegExp(
  `^[A-Z]{6}${DIGIT}{2}[${MONTH_LETTERS}]${DIGIT}{2}[A-Z]${DIGIT}{3}[A-Z]$`,
);

// Value of A…Z (and of 0…9, which count as A…J) in odd positions, from the Ministry's table.
const ODD_POSITION_VALUES = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

function characterIndex(character: string): number {
  const code = character.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 65;
}

function personalCheckCharacter(first15: string): string {
  let sum = 0;
  for (let index = 0; index < 15; index += 1) {
    const value = characterIndex(first15.charAt(index));
    // Positions are counted from 1: index 0 is the first, odd, position.
    sum += index % 2 === 0 ? (ODD_POSITION_VALUES[value] ?? 0) : value;
  }
  return String.fromCharCode(65 + (sum % 26));
}

function decodeDigits(text: string): number {
  const digits = [...text].map((character) => {
    const substituted = OMOCODIA_LETTERS.indexOf(character);
    return substituted === -1 ? character : String(substituted);
  });
  return Number(digits.join(''));
}

/**
 * Codice Fiscale: the 16-character code of a person (birth day 1–31, or 41–71 for women; digits may
 * be omocodia letters) with its check character, or the 11-digit numeric code of a company or body,
 * checked like a Partita IVA. Case-insensitive.
 */
export function isValidCodiceFiscale(value: string): boolean {
  if (/^\d{11}$/.test(value)) return isValidPartitaIva(value);
  const code = value.toUpperCase();
  if (!PERSONAL_CODE.test(code)) return false;
  const day = decodeDigits(code.slice(9, 11));
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return false;
  return personalCheckCharacter(code.slice(0, 15)) === code.charAt(15);
}

/** The Partita IVA field of the forms also accepts a Codice Fiscale. */
export function isValidTaxId(value: string): boolean {
  return isValidPartitaIva(value) || isValidCodiceFiscale(value);
}

/** Customer code (codice cliente) and discharge contract number: exactly 10 digits. */
export function isTenDigitCode(value: string): boolean {
  return /^\d{10}$/.test(value);
}

/** Italian postcode (CAP): exactly 5 digits. */
export function isCap(value: string): boolean {
  return /^\d{5}$/.test(value);
}
