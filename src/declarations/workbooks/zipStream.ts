import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import type { WorkbookLimits } from './limits.js';
import type { Pace } from './pacer.js';
import { Refused, type ZipProblem } from './refusal.js';

/** Where the inflated bytes of one part go, in order; `end` once the part is complete. */
export interface PartSink {
  write(bytes: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

/** A sink for the part, or null when the part is not read (nor inflated). May refuse the part. */
type SinkFor = (name: string) => PartSink | null;

/**
 * Compressed bytes handed to the unzipper at a time: what one push can inflate is bounded by
 * DEFLATE's best ratio (about 1:1000), so a few MB at most before the limits below see it.
 */
const PUSH = 4 * 1024;
/** fflate's code for AES, which Office never writes: a zip encrypted by another tool. */
const AES = 99;

const zipRefusal = (problem: ZipProblem, part?: string): Refused =>
  new Refused({ kind: 'zip', problem, ...(part ? { part } : {}) });

/**
 * Streams a zip through fflate's Unzip: sizes, counts and ratios are checked on every inflated
 * chunk, so a bomb stops at the first limit it passes, whatever its headers claim. Inflated chunks
 * wait in a queue that the sinks drain between pushes, pacing themselves. Returns the part names.
 */
export async function streamZip(
  bytes: Uint8Array,
  limits: WorkbookLimits,
  sinkFor: SinkFor,
  pace: Pace,
): Promise<ReadonlySet<string>> {
  const reading = new ZipReading(bytes.length, limits, sinkFor);
  const unzip = new Unzip((file) => reading.add(file));
  unzip.register(UnzipInflate);
  for (let at = 0; at < bytes.length; at += PUSH) {
    try {
      unzip.push(bytes.subarray(at, at + PUSH), at + PUSH >= bytes.length);
    } catch (error) {
      // fflate's own errors (bad headers, bad deflate data, a cut stream) mean a damaged file.
      throw error instanceof Refused ? error : zipRefusal('ZipCorrupt');
    }
    await reading.drain();
    await pace();
  }
  // A part still open: the upload was cut short (openWorkbook checked the end already).
  if (reading.pending.size > 0) throw zipRefusal('ZipCorrupt');
  return reading.names;
}

type Queued = { readonly sink: PartSink; readonly bytes: Uint8Array | null };

class ZipReading {
  readonly names = new Set<string>();
  readonly pending = new Set<string>();
  private readonly queue: Queued[] = [];
  private total = 0;

  constructor(
    private readonly archiveSize: number,
    private readonly limits: WorkbookLimits,
    private readonly sinkFor: SinkFor,
  ) {}

  add(file: UnzipFile): void {
    const { name } = file;
    if (this.names.size >= this.limits.maxEntries) throw zipRefusal('ZipTooManyEntries');
    if (this.names.has(name)) throw zipRefusal('ZipCorrupt', name);
    if (file.compression === AES) throw zipRefusal('ZipEncrypted', name);
    if ((file.originalSize ?? 0) > this.limits.maxEntrySize)
      throw zipRefusal('ZipEntryTooLarge', name);
    this.names.add(name);
    const sink = this.sinkFor(name);
    // A part nobody reads is never inflated: no bomb can go off there, and no time is spent. Its
    // declared size still counts, as Excel would inflate it.
    if (!sink) return this.count(file.originalSize ?? 0);
    this.pending.add(name);
    let written = 0;
    file.ondata = (error, data, final) => {
      // Our own refusal thrown from this handler comes back here through fflate's catch.
      if (error) throw error instanceof Refused ? error : zipRefusal('ZipCorrupt', name);
      written += data.length;
      this.check(file, written, data.length);
      this.queue.push({ sink, bytes: data });
      if (!final) return;
      // Fewer bytes than declared: the headers lie, or the data was cut.
      if (file.originalSize !== undefined && written !== file.originalSize)
        throw zipRefusal('ZipCorrupt', name);
      this.pending.delete(name);
      this.queue.push({ sink, bytes: null });
    };
    file.start();
  }

  private count(bytes: number): void {
    this.total += bytes;
    if (this.total > this.limits.maxTotalSize) throw zipRefusal('ZipTooLarge');
  }

  private check(file: UnzipFile, written: number, chunk: number): void {
    const { limits } = this;
    this.count(chunk);
    if (written > limits.maxEntrySize) throw zipRefusal('ZipEntryTooLarge', file.name);
    // More bytes than declared: a bomb lying about its size is cut here, not inflated.
    if (file.originalSize !== undefined && written > file.originalSize)
      throw zipRefusal('ZipCorrupt', file.name);
    // A part written as a stream declares no compressed size: the whole archive bounds it.
    const packed = Math.max(file.size ?? this.archiveSize, 1);
    if (written > limits.ratioFloor && written / packed > limits.maxRatio)
      throw zipRefusal('ZipRatio', file.name);
  }

  async drain(): Promise<void> {
    for (const { sink, bytes } of this.queue.splice(0)) {
      await (bytes ? sink.write(bytes) : sink.end());
    }
  }
}
