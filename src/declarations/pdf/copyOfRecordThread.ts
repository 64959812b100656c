import type { CopyOfRecordInput } from './copyOfRecord.js';
import { offThread } from './pdfThread.js';

/** renderCopyOfRecord on the PDF thread (pdfThread.ts): no request waits while a copy is rendered. */
export const renderCopyOfRecordOffThread = offThread<CopyOfRecordInput>(
  new URL('./copyOfRecord.ts', import.meta.url),
  'renderCopyOfRecord',
);
