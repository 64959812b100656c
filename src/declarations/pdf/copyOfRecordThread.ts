import type { CopyOfRecordInput } from './copyOfRecord.js';
import { moduleBeside, offThread } from './pdfThread.js';

/** renderCopyOfRecord on the PDF thread (pdfThread.ts): no request waits while a copy is rendered. */
export const renderCopyOfRecordOffThread = offThread<CopyOfRecordInput>(
  moduleBeside(import.meta.url, 'copyOfRecord'),
  'renderCopyOfRecord',
);
