import type { CopyOfRecordInput } from './copyOfRecord.js';
import { offThread } from './pdfThread.js';

/** renderCopyOfRecord on the PDF thread (pdfThread.ts): INVIA never waits on another's copy. */
export const renderCopyOfRecordOffThread = offThread<CopyOfRecordInput>(
  new URL('./copyOfRecord.ts', import.meta.url),
  'renderCopyOfRecord',
);
