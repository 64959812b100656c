import { strToU8, zipSync } from 'fflate';

/**
 * Hostile zips made on the spot: fflate writes a sound archive, then we change what its headers
 * declare (sizes, the encryption flag), as a crafted file would.
 */

const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface Patch {
  /** Declared uncompressed size, in both the local and the central header. */
  readonly size?: number;
  /** General-purpose flags (bit 0: encrypted). */
  readonly flags?: number;
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
    if (patch.flags !== undefined) v.setUint16(p + (isCentral ? 8 : 6), patch.flags, true);
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
