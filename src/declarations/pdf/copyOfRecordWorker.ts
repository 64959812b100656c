import { parentPort } from 'node:worker_threads';
import { renderCopyOfRecord, type CopyOfRecordInput } from './copyOfRecord.js';

/** The thread of copyOfRecordThread.ts: one copy of record per message, in turn. */
parentPort?.on('message', ({ id, input }: { id: number; input: CopyOfRecordInput }) => {
  renderCopyOfRecord(input).then(
    (pdf) => parentPort?.postMessage({ id, pdf }),
    (error: unknown) => parentPort?.postMessage({ id, error: String(error) }),
  );
});
