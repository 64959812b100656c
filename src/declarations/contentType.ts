import type { UploadedFile } from './uploadForm.js';

const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * What a stored file is, from its first bytes: never the browser's claim, since downloads are
 * served with this type. Anything unrecognised is served as opaque bytes.
 */
export function contentTypeOf(file: UploadedFile): string {
  const head = file.content.subarray(0, 8);
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (head.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (
    head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) &&
    /\.xlsx$/i.test(file.filename)
  )
    return xlsx;
  return 'application/octet-stream';
}
