import type { FastifyError, FastifyRequest } from 'fastify';
import { safeFileName } from './text.js';

/** What @fastify/multipart reads of one request: the wizard's largest form stays well below. */
export const uploadLimits = {
  fileSize: 20 * 1024 * 1024,
  files: 20,
  fields: 200,
  parts: 220,
} as const;

const sizeText = (bytes: number) =>
  bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MB` : `${Math.ceil(bytes / 1024)} kB`;

/** A file too large: @fastify/multipart hands over the part being read. */
type LimitError = FastifyError & { part?: { filename?: unknown } };

function fileTooLarge(error: LimitError): string {
  const limit = sizeText(uploadLimits.fileSize);
  const raw = error.part?.filename;
  const name =
    typeof raw === 'string' && raw ? Array.from(safeFileName(raw)).slice(0, 80).join('') : null;
  return name
    ? `Il file "${name}" supera la dimensione massima di ${limit}.`
    : `Un file supera la dimensione massima di ${limit}.`;
}

/**
 * The Italian sentence of a 413 naming the limit that was hit, or null for another error: a
 * person who sent 25 files must read "too many files", not "too much data".
 */
export function limitMessage(error: LimitError, request: FastifyRequest): string | null {
  switch (error.code) {
    case 'FST_FILES_LIMIT':
      return `Troppi file in una sola richiesta: al massimo ${uploadLimits.files}.`;
    case 'FST_FIELDS_LIMIT':
      return `Troppi campi in una sola richiesta: al massimo ${uploadLimits.fields}.`;
    case 'FST_PARTS_LIMIT':
      return `Troppi file e campi in una sola richiesta: al massimo ${uploadLimits.parts} in tutto.`;
    case 'FST_REQ_FILE_TOO_LARGE':
      return fileTooLarge(error);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `I dati inviati superano la dimensione massima di ${sizeText(request.routeOptions.bodyLimit)}.`;
    default:
      return null;
  }
}
