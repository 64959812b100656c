/**
 * What a file is, from its first bytes, before anything parses it. An encrypted .xlsx is not a zip:
 * Office stores it as an OLE2 compound file with `EncryptionInfo` and `EncryptedPackage` streams.
 */
export type FileType = 'zip' | 'cfb-encrypted' | 'cfb' | 'pdf' | 'image' | 'text' | 'unknown';

const startsWith = (b: Uint8Array, bytes: readonly number[]) =>
  b.length >= bytes.length && bytes.every((byte, i) => b[i] === byte);

const utf16 = (text: string) => Buffer.from(text, 'utf16le');

function looksLikeText(b: Uint8Array): boolean {
  const head = b.subarray(0, 4096);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - 4));
    return true;
  } catch {
    return false;
  }
}

export function sniff(b: Uint8Array): FileType {
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) {
    return 'zip';
  }
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const buffer = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    return buffer.includes(utf16('EncryptionInfo')) || buffer.includes(utf16('EncryptedPackage'))
      ? 'cfb-encrypted'
      : 'cfb';
  }
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46])) return 'pdf';
  const images = [
    [0x89, 0x50, 0x4e, 0x47],
    [0xff, 0xd8, 0xff],
    [0x47, 0x49, 0x46, 0x38],
  ];
  if (images.some((magic) => startsWith(b, magic))) return 'image';
  return looksLikeText(b) ? 'text' : 'unknown';
}

const END_OF_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/**
 * Whether the bytes end as a zip does, with its end-of-central-directory record (22 bytes and a
 * comment of up to 64 kB): a zip cut short between two parts would otherwise look complete.
 */
export function endsAsZip(b: Uint8Array): boolean {
  const bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const tail = bytes.subarray(Math.max(0, bytes.length - 22 - 0xffff));
  const at = tail.lastIndexOf(END_OF_ZIP);
  return at >= 0 && tail.length - at >= 22;
}

const SAVE_AS =
  'Apri il modello scaricato dal portale con Excel o LibreOffice, compilalo e salvalo nel ' +
  'formato «Cartella di lavoro di Excel (.xlsx)».';

const NOT_ZIP: Record<Exclude<FileType, 'zip'>, readonly [string, string, string]> = {
  'cfb-encrypted': [
    'FileEncrypted',
    'Il file è protetto da password: il portale non può leggerlo.',
    'Togli la password (in Excel: File › Informazioni › Proteggi cartella di lavoro › ' +
      'Crittografa con password, lascia vuoto) e carica di nuovo il file.',
  ],
  cfb: [
    'FileIsLegacyExcel',
    'Il file è nel vecchio formato Excel 97-2003 (.xls), che il portale non accetta.',
    SAVE_AS,
  ],
  pdf: ['FileIsPdf', 'Il file è un PDF, non un foglio Excel.', SAVE_AS],
  image: ['FileIsImage', "Il file è un'immagine, non un foglio Excel.", SAVE_AS],
  text: ['FileIsText', 'Il file è un testo (per esempio un CSV), non un foglio Excel.', SAVE_AS],
  unknown: ['FileNotXlsx', 'Il file non è un foglio Excel (.xlsx).', SAVE_AS],
};

/** What to say of a file that is not a zip at all, by what it looks like. */
export function notZipText(type: Exclude<FileType, 'zip'>): {
  code: string;
  problem: string;
  fix: string;
} {
  const [code, problem, fix] = NOT_ZIP[type];
  return { code, problem, fix };
}
