import type { MultipartFile } from '@fastify/multipart';
import type { DeclarationFile, FileSlot } from '../../domain/declarations/declarationEvents.js';
import { z } from 'zod';
import { isEmailAddress } from '../../domain/shared/email.js';
import { parseForm, type FieldErrors } from '../platform/http/forms.js';
import { line, safeFileName } from '../platform/http/text.js';
import { sniff } from './workbooks/fileSniff.js';
import { openUpload, type OpenedUpload } from './workbooks/index.js';

export interface UploadedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/**
 * A file chosen in the form and acceptable as a file (checkFile, as the form is read), or one the
 * portal wrote into its own template («Compila online», from a form of bounded rows and texts,
 * whose cells go through the rules of that form). `field` is where its errors go.
 */
export interface ChosenFile {
  readonly field: string;
  readonly slot: FileSlot;
  readonly upload: UploadedFile;
  readonly description: string | null;
  /** The workbook the check opened, for AVANTI to read unparsed; null for any other file. */
  readonly opened: OpenedUpload | null;
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

const descriptionNames = Array.from(
  { length: maxAttachmentRows },
  (_, index) => `descrizione-${index + 1}`,
);

/** The wizard's fields besides its files: every one read through this, never from the body. */
const uploadFieldsSchema = z.object({
  azione: z.enum(['avanti', 'aggiungi-allegato']).catch('avanti'),
  visionato: z.enum(['si']).optional().catch(undefined),
  'email-notifica': line(254).default(''),
  'righe-allegati': z.string().max(4).optional().catch(undefined),
  // Slots and attachment hashes: anything else names no file of the draft.
  rimuovi: z.array(z.string().regex(/^[\w-]{1,80}$/)).catch([]),
  ...Object.fromEntries(descriptionNames.map((name) => [name, line(200).optional()])),
});
type UploadFields = z.output<typeof uploadFieldsSchema>;

/** A multipart body's fields as text (`rimuovi` may repeat), its files left aside. */
function multipartFields(body: Body): Record<string, unknown> {
  const valueOf = (part: unknown) => (part as { value?: unknown } | undefined)?.value;
  const fields: Record<string, unknown> = {};
  for (const [name, part] of Object.entries(body)) {
    const values = (Array.isArray(part) ? part : [part]).map(valueOf);
    const texts = values.filter((value): value is string => typeof value === 'string');
    if (texts.length > 0) fields[name] = name === 'rimuovi' ? texts : texts.at(-1);
  }
  return fields;
}

/** The fields, and an error beside each one refused (a refused description reads as empty). */
function readFields(body: Body): { fields: UploadFields; errors: FieldErrors } {
  const fields = multipartFields(body);
  const parsed = parseForm(uploadFieldsSchema, fields);
  if (parsed.ok) return { fields: parsed.data, errors: {} };
  for (const name of Object.keys(parsed.errors)) delete fields[name];
  return { fields: uploadFieldsSchema.parse(fields), errors: parsed.errors };
}

async function fileOf(body: Body, name: string): Promise<UploadedFile | null> {
  const part = body[name] as MultipartFile | undefined;
  if (!part || part.type !== 'file' || !part.filename) return null;
  const content = await part.toBuffer();
  // The name is kept and shown: no control, bidi or broken character, no path.
  return { filename: safeFileName(part.filename), contentType: part.mimetype, content };
}

export const attachmentRows = (requested: unknown): number => {
  const rows = Number(requested);
  return Number.isInteger(rows) ? Math.min(Math.max(rows, 1), maxAttachmentRows) : 1;
};

/**
 * Reads the wizard's form: steps 3 to 6, the notification e-mail and the "visionato" box. A file
 * refused as a file (empty, too big, not a PDF or a workbook where one is asked for) is chosen
 * for nothing and gets its message beside its field.
 */
export async function readUploadForm(parts: unknown): Promise<UploadForm> {
  // Multipart parts as @fastify/multipart attaches them: each one read through fileOf/readFields.
  const body = (parts && typeof parts === 'object' ? parts : {}) as Body;
  const { fields, errors } = readFields(body);
  const chosen: ChosenFile[] = [];
  // One file at a time: each reading yields to the event loop.
  const choose = async (file: Omit<ChosenFile, 'opened'>) => {
    const { problem, opened } = await checkFile(file.slot, file.upload);
    if (problem) errors[file.field] = problem;
    else chosen.push({ ...file, opened });
  };
  for (const slot of singleSlots) {
    const upload = await fileOf(body, slot);
    if (upload) await choose({ field: slot, slot, upload, description: null });
  }
  const descriptions: Record<string, string> = {};
  for (let index = 1; index <= maxAttachmentRows; index++) {
    const upload = await fileOf(body, `allegato-${index}`);
    const name = `descrizione-${index}`;
    const description = (fields as Partial<Record<string, unknown>>)[name];
    if (typeof description === 'string' && description) descriptions[name] = description;
    if (description && !upload && !errors[name])
      errors[`allegato-${index}`] = 'Scegli il file a cui si riferisce la descrizione.';
    if (upload && !errors[name])
      await choose({
        field: `allegato-${index}`,
        slot: 'allegato',
        upload,
        description: descriptions[name] ?? null,
      });
  }
  return {
    action: fields.azione,
    visionato: fields.visionato === 'si',
    notificationEmail: fields['email-notifica'],
    remove: fields.rimuovi,
    chosen,
    rows: attachmentRows(fields['righe-allegati']),
    descriptions,
    errors,
  };
}

const pdfOrImage = (content: Buffer): boolean =>
  content.subarray(0, 5).toString('latin1') === '%PDF-' ||
  content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
  content.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));

const macroEnabledName = /\.(xlsm|xltm|xlam|xlsb|docm|dotm|pptm|potm|ppsm|ppam)$/i;

/**
 * An attachment may be any document, but not one that runs code when opened: a macro-enabled
 * Office name, or an Office zip holding a VBA project (its part names are stored uncompressed).
 */
const hasMacros = (upload: UploadedFile): boolean =>
  macroEnabledName.test(upload.filename) ||
  (sniff(upload.content) === 'zip' && upload.content.includes('vbaProject.bin'));

/** Why a file cannot be kept, or null; a workbook comes opened, for AVANTI to read unparsed. */
interface FileCheck {
  readonly problem: string | null;
  readonly opened: OpenedUpload | null;
}

/**
 * Why a file cannot even be kept in the draft (empty, too big, not a PDF or image where one is
 * asked for, not a workbook that can be opened), or null. What its cells say is for AVANTI.
 */
async function checkFile(slot: FileSlot, upload: UploadedFile): Promise<FileCheck> {
  const refused = (problem: string): FileCheck => ({ problem, opened: null });
  if (upload.content.length > maxFileSize)
    return refused('Il file supera la dimensione massima di 10 MB.');
  if (slot === 'dichiarazione' || slot === 'analisi' || slot === 'checklist') {
    const opened = await openUpload(upload.content, slot);
    const [issue] = opened.issues;
    return issue ? refused(`${issue.problem} ${issue.fix}`) : { problem: null, opened };
  }
  if (upload.content.length === 0) return refused('Il file è vuoto.');
  if (slot === 'allegato' && hasMacros(upload))
    return refused(
      'Il file contiene macro: salvarlo senza macro (ad esempio .xlsx, .docx o PDF) e ricaricarlo.',
    );
  if (
    (slot === 'documento-identita' || slot === 'rapporto-di-prova') &&
    !pdfOrImage(upload.content)
  )
    return refused('Il documento deve essere un PDF o un’immagine (JPG o PNG).');
  return { problem: null, opened: null };
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
