import type { CopyOfRecordInput } from './copyOfRecord.js';
import { moduleBeside, offThread } from '../../platform/documents/renderThread.js';

/**
 * renderCopyOfRecord on the render thread (src/platform/documents/renderThread.ts): no request
 * waits while a copy is rendered.
 */
export const renderCopyOfRecordOffThread = offThread<CopyOfRecordInput>(
  moduleBeside(import.meta.url, 'copyOfRecord'),
  'renderCopyOfRecord',
);
