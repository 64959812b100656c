import { strToU8, unzipSync, zipSync } from 'fflate';

/**
 * Hostile zips made on the spot: fflate writes a sound archive, then we change what its headers
 * declare (sizes, the compression method), add parts or cut it, as a crafted file would.
 */

const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface Patch {
  /** Declared uncompressed size, in both the local and the central header. */
  readonly size?: number;
  /** Compression method (8 deflate, 99 AES encryption). */
  readonly method?: number;
}

export function patchEntry(zip: Uint8Array, name: string, patch: Patch): Uint8Array {
  const out = Uint8Array.from(zip);
  const v = new DataView(out.buffer);
  const encodedName = Buffer.from(name);
  for (let p = 0; p + 46 < out.length; p++) {
    const signature = v.getUint32(p, true);
    const isCentral = signature === CENTRAL;
    if (!isCentral && signature !== LOCAL) continue;
    const nameAt = p + (isCentral ? 46 : 30);
    const nameLength = v.getUint16(p + (isCentral ? 28 : 26), true);
    if (!encodedName.equals(Buffer.from(out.subarray(nameAt, nameAt + nameLength)))) continue;
    if (patch.size !== undefined) v.setUint32(p + (isCentral ? 24 : 22), patch.size, true);
    if (patch.method !== undefined) v.setUint16(p + (isCentral ? 10 : 8), patch.method, true);
  }
  return out;
}

/** The two parts that make a zip look like a workbook, plus `parts`. */
export const workbookLikeZip = (parts: Record<string, Uint8Array>): Uint8Array =>
  zipSync({
    '[Content_Types].xml': strToU8('<Types/>'),
    'xl/workbook.xml': strToU8('<workbook/>'),
    ...parts,
  });

/** The workbook with `parts` added (or replaced), as another program would have written them. */
export function withParts(
  xlsx: Uint8Array,
  parts: Record<string, Uint8Array | string>,
): Uint8Array {
  const added = Object.entries(parts).map(
    ([name, content]) => [name, typeof content === 'string' ? strToU8(content) : content] as const,
  );
  return zipSync({ ...unzipSync(xlsx), ...Object.fromEntries(added) });
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

/** Every part complete, but the central directory and the end record gone: a cut upload. */
export function cutBeforeCentralDirectory(zip: Uint8Array): Uint8Array {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  if (v.getUint32(end, true) !== END_OF_CENTRAL_DIRECTORY) throw new Error('zip has a comment');
  return zip.subarray(0, v.getUint32(end + 16, true));
}
