import type { MultipartFile } from '@fastify/multipart';
import type { DeclarationFile, FileSlot } from '../../domain/declarations/declarationEvents.js';
import { isEmailAddress } from '../../domain/shared/email.js';
import type { FieldErrors } from '../http/forms.js';
import { fileIssues } from './workbooks/index.js';

export interface UploadedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/** A file chosen in the form, before anything checked it; `field` is where its error goes. */
export interface ChosenFile {
  readonly field: string;
  readonly slot: FileSlot;
  readonly upload: UploadedFile;
  readonly description: string | null;
}

export interface UploadForm {
  /** AVANTI validates; "Aggiungi allegato" (without JavaScript) keeps the files, adds a row. */
  readonly action: 'avanti' | 'aggiungi-allegato';
  readonly visionato: boolean;
  readonly notificationEmail: string;
  /** Slots and attachment hashes ticked "Rimuovi". */
  readonly remove: readonly string[];
  readonly chosen: readonly ChosenFile[];
  /** The attachment rows the page showed, and the descriptions typed in them. */
  readonly rows: number;
  readonly descriptions: Readonly<Record<string, string>>;
  readonly errors: FieldErrors;
}

export const maxFileSize = 10 * 1024 * 1024;
/** New attachment rows one submission carries; more come in the next rounds, kept in the draft. */
export const maxAttachmentRows = 10;
export const singleSlots = [
  'dichiarazione',
  'documento-identita',
  'analisi',
  'rapporto-di-prova',
  'checklist',
] as const;

type Body = Record<string, unknown>;

const fieldValue = (body: Body, name: string): string => {
  const part = body[name];
  const last: unknown = Array.isArray(part) ? part.at(-1) : part;
  const value = (last as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' ? value.trim() : '';
};

const fieldValues = (body: Body, name: string): string[] => {
  const part = body[name];
  return (Array.isArray(part) ? part : part ? [part] : [])
    .map((item) => (item as { value?: unknown }).value)
    .filter((value): value is string => typeof value === 'string');
};

async function fileOf(body: Body, name: string): Promise<UploadedFile | null> {
  const part = body[name] as MultipartFile | undefined;
  if (!part || part.type !== 'file' || !part.filename) return null;
  const content = await part.toBuffer();
  return { filename: part.filename, contentType: part.mimetype, content };
}

export const attachmentRows = (requested: unknown): number => {
  const rows = Number(requested);
  return Number.isInteger(rows) ? Math.min(Math.max(rows, 1), maxAttachmentRows) : 1;
};

/** Reads the wizard's form: steps 3 to 6, the notification e-mail and the "visionato" box. */
export async function readUploadForm(body: Body): Promise<UploadForm> {
  const errors: FieldErrors = {};
  const chosen: ChosenFile[] = [];
  for (const slot of singleSlots) {
    const upload = await fileOf(body, slot);
    if (upload) chosen.push({ field: slot, slot, upload, description: null });
  }
  const rows = attachmentRows(fieldValue(body, 'righe-allegati'));
  const descriptions: Record<string, string> = {};
  for (let index = 1; index <= maxAttachmentRows; index++) {
    const upload = await fileOf(body, `allegato-${index}`);
    const description = fieldValue(body, `descrizione-${index}`);
    if (description) descriptions[`descrizione-${index}`] = description;
    if (description.length > 200)
      errors[`descrizione-${index}`] = 'La descrizione può avere al massimo 200 caratteri.';
    else if (description && !upload)
      errors[`allegato-${index}`] = 'Scegli il file a cui si riferisce la descrizione.';
    if (upload)
      chosen.push({
        field: `allegato-${index}`,
        slot: 'allegato',
        upload,
        description: description.slice(0, 200) || null,
      });
  }
  return {
    action: fieldValue(body, 'azione') === 'aggiungi-allegato' ? 'aggiungi-allegato' : 'avanti',
    visionato: fieldValue(body, 'visionato') === 'si',
    notificationEmail: fieldValue(body, 'email-notifica'),
    remove: fieldValues(body, 'rimuovi'),
    chosen,
    rows,
    descriptions,
    errors,
  };
}

const pdfOrImage = (content: Buffer): boolean =>
  content.subarray(0, 5).toString('latin1') === '%PDF-' ||
  content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
  content.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));

/**
 * Why a file cannot even be kept in the draft (empty, too big, not a PDF or image where one is
 * asked for, not a workbook that can be opened), or null. What its cells say is for AVANTI.
 */
export function fileProblem(slot: FileSlot, upload: UploadedFile): string | null {
  if (upload.content.length > maxFileSize) return 'Il file supera la dimensione massima di 10 MB.';
  if (slot === 'dichiarazione' || slot === 'analisi' || slot === 'checklist') {
    const [issue] = fileIssues(upload.content, slot);
    return issue ? `${issue.problem} ${issue.fix}` : null;
  }
  if (upload.content.length === 0) return 'Il file è vuoto.';
  if (
    (slot === 'documento-identita' || slot === 'rapporto-di-prova') &&
    !pdfOrImage(upload.content)
  )
    return 'Il documento deve essere un PDF o un’immagine (JPG o PNG).';
  return null;
}

/** What AVANTI needs of the draft as a whole, besides what the workbooks say. */
export function draftProblems(form: UploadForm, files: readonly DeclarationFile[]): FieldErrors {
  const errors: FieldErrors = {};
  if (!form.visionato)
    errors.visionato = 'Per proseguire dichiara di aver visionato tutti i documenti scaricati.';
  if (!isEmailAddress(form.notificationEmail))
    errors['email-notifica'] = 'Inserire un indirizzo e-mail di notifica valido.';
  const has = (slot: FileSlot) => files.some((file) => file.slot === slot);
  if (!has('dichiarazione')) errors.dichiarazione = 'Caricare il file Excel della dichiarazione.';
  if (has('analisi') !== has('rapporto-di-prova')) {
    errors[has('analisi') ? 'rapporto-di-prova' : 'analisi'] =
      'Le analisi chimiche (Excel) e il rapporto di prova del laboratorio vanno caricati insieme: entrambi o nessuno.';
  }
  return errors;
}
