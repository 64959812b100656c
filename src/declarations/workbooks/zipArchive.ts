import { Inflate } from 'fflate';
import { uploadLimits as zipLimits } from './limits.js';

/**
 * A minimal zip reader that trusts nothing: it reads the central directory itself, refuses
 * archives whose declared sizes are too large before inflating a byte, and inflates one entry at
 * a time in small chunks, stopping as soon as the output passes the declared size (a zip bomb
 * that lies about its sizes is cut short, not inflated).
 */

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

export type ZipProblem = 'ZipCorrupt' | 'ZipTooLarge' | 'ZipTooManyEntries' | 'ZipEncrypted';

export type ZipListing =
  | { readonly ok: true; readonly entries: ReadonlyMap<string, ZipEntry> }
  | { readonly ok: false; readonly problem: ZipProblem };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const CHUNK = 1024;

const u16 = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const u32 = (b: Uint8Array, i: number) => (u16(b, i) + u16(b, i + 2) * 65536) >>> 0;

function findEndOfCentralDirectory(b: Uint8Array): number {
  const last = b.length - 22;
  const first = Math.max(0, last - 65535);
  for (let i = last; i >= first; i--) if (u32(b, i) === EOCD) return i;
  return -1;
}

const fail = (problem: ZipProblem): ZipListing => ({ ok: false, problem });

/** The entries of the archive, or why it cannot be trusted. Never inflates anything. */
export function listZip(b: Uint8Array): ZipListing {
  const eocd = findEndOfCentralDirectory(b);
  if (eocd < 0) return fail('ZipCorrupt');
  const count = u16(b, eocd + 10);
  const cdSize = u32(b, eocd + 12);
  const cdOffset = u32(b, eocd + 16);
  // Zip64 markers: only archives far beyond our limits need them.
  if (count === 0xffff || cdOffset === 0xffffffff) return fail('ZipTooLarge');
  if (count > zipLimits.maxEntries) return fail('ZipTooManyEntries');
  if (cdOffset + cdSize > eocd) return fail('ZipCorrupt');
  const entries = new Map<string, ZipEntry>();
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || u32(b, p) !== CENTRAL) return fail('ZipCorrupt');
    const nameLength = u16(b, p + 28);
    const entry: ZipEntry = {
      name: new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLength)),
      method: u16(b, p + 10),
      compressedSize: u32(b, p + 20),
      size: u32(b, p + 24),
      localOffset: u32(b, p + 42),
    };
    if (u16(b, p + 8) & 1) return fail('ZipEncrypted');
    if (entry.size === 0xffffffff || entry.size > zipLimits.maxEntrySize)
      return fail('ZipTooLarge');
    const ratio = entry.size / Math.max(entry.compressedSize, 1);
    if (entry.size > 1024 * 1024 && ratio > zipLimits.maxRatio) return fail('ZipTooLarge');
    total += entry.size;
    if (total > zipLimits.maxTotalSize) return fail('ZipTooLarge');
    if (entry.localOffset >= cdOffset) return fail('ZipCorrupt');
    entries.set(entry.name, entry);
    p += 46 + nameLength + u16(b, p + 30) + u16(b, p + 32);
  }
  return { ok: true, entries };
}

class SizeExceeded extends Error {}

function inflateBounded(data: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let written = 0;
  const inflate = new Inflate((chunk) => {
    if (written + chunk.length > size) throw new SizeExceeded();
    out.set(chunk, written);
    written += chunk.length;
  });
  for (let i = 0; i < data.length; i += CHUNK) {
    inflate.push(data.subarray(i, i + CHUNK), i + CHUNK >= data.length);
  }
  if (data.length === 0) inflate.push(new Uint8Array(0), true);
  if (written !== size) throw new SizeExceeded();
  return out;
}

/** The bytes of one entry, or null when the archive is damaged or lies about the entry's size. */
export function readZipEntry(b: Uint8Array, entry: ZipEntry): Uint8Array | null {
  const p = entry.localOffset;
  if (p + 30 > b.length || u32(b, p) !== LOCAL) return null;
  const start = p + 30 + u16(b, p + 26) + u16(b, p + 28);
  const end = start + entry.compressedSize;
  if (end > b.length) return null;
  const data = b.subarray(start, end);
  if (entry.method === 0) return entry.size === data.length ? data : null;
  if (entry.method !== 8) return null;
  try {
    return inflateBounded(data, entry.size);
  } catch {
    return null;
  }
}
