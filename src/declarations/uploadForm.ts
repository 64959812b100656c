import type { MultipartFile } from '@fastify/multipart';
import type { DeclarationFile, FileSlot } from '../../domain/declarations/declarationEvents.js';
import { isEmailAddress } from '../../domain/shared/email.js';
import type { FieldErrors } from '../http/forms.js';

export interface UploadedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/** A file of the declaration: new in this request, or kept from the draft. */
export type SlotFile =
  | { readonly kept: false; readonly upload: UploadedFile; readonly description: string | null }
  | { readonly kept: true; readonly file: DeclarationFile };

export interface DeclarationUpload {
  readonly notificationEmail: string;
  readonly files: ReadonlyMap<Exclude<FileSlot, 'allegato'>, SlotFile>;
  readonly attachments: readonly SlotFile[];
}

export const maxFileSize = 10 * 1024 * 1024;
export const maxNewAttachments = 5;
const singleSlots = [
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

const pdfOrImage = (content: Buffer): boolean =>
  content.subarray(0, 5).toString('latin1') === '%PDF-' ||
  content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
  content.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));

function fileProblem(slot: FileSlot, upload: UploadedFile): string | null {
  if (upload.content.length === 0) return 'Il file è vuoto.';
  if (upload.content.length > maxFileSize) return 'Il file supera la dimensione massima di 10 MB.';
  if (
    (slot === 'documento-identita' || slot === 'rapporto-di-prova') &&
    !pdfOrImage(upload.content)
  )
    return 'Il documento deve essere un PDF o un’immagine (JPG o PNG).';
  return null;
}

/**
 * Reads the wizard's form: steps 3 to 6, the notification e-mail and the "visionato" box. A slot
 * left empty keeps the draft's file unless its "rimuovi" box is ticked; nothing is stored here.
 */
export async function readUploadForm(
  body: Body,
  draftFiles: readonly DeclarationFile[],
): Promise<{ upload: DeclarationUpload; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  if (fieldValue(body, 'visionato') !== 'si')
    errors.visionato = 'Per proseguire dichiara di aver visionato tutti i documenti scaricati.';
  const notificationEmail = fieldValue(body, 'email-notifica');
  if (!isEmailAddress(notificationEmail))
    errors['email-notifica'] = 'Inserire un indirizzo e-mail di notifica valido.';

  const removed = new Set(fieldValues(body, 'rimuovi'));
  const files = new Map<Exclude<FileSlot, 'allegato'>, SlotFile>();
  for (const slot of singleSlots) {
    const upload = await fileOf(body, slot);
    const kept = draftFiles.find((file) => file.slot === slot);
    if (upload) {
      const problem = fileProblem(slot, upload);
      if (problem) errors[slot] = problem;
      else files.set(slot, { kept: false, upload, description: null });
    } else if (kept && !removed.has(slot)) files.set(slot, { kept: true, file: kept });
  }
  if (!files.has('dichiarazione') && !errors.dichiarazione)
    errors.dichiarazione = 'Caricare il file Excel della dichiarazione.';
  if (
    files.has('analisi') !== files.has('rapporto-di-prova') &&
    !errors.analisi &&
    !errors['rapporto-di-prova']
  ) {
    const missing = files.has('analisi') ? 'rapporto-di-prova' : 'analisi';
    errors[missing] =
      'Le analisi chimiche (Excel) e il rapporto di prova del laboratorio vanno caricati insieme: entrambi o nessuno.';
  }

  const attachments: SlotFile[] = draftFiles
    .filter((file) => file.slot === 'allegato' && !removed.has(file.sha256))
    .map((file) => ({ kept: true, file }));
  for (let index = 1; index <= maxNewAttachments; index++) {
    const upload = await fileOf(body, `allegato-${index}`);
    const description = fieldValue(body, `descrizione-${index}`);
    if (description.length > 200)
      errors[`descrizione-${index}`] = 'La descrizione può avere al massimo 200 caratteri.';
    if (!upload) continue;
    const problem = fileProblem('allegato', upload);
    if (problem) errors[`allegato-${index}`] = problem;
    else attachments.push({ kept: false, upload, description: description || null });
  }
  return { upload: { notificationEmail, files, attachments }, errors };
}
