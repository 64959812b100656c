/** How much of an upload we are willing to look at. A filled template is far below every one. */
export const uploadLimits = {
  /** Parts inside the zip. */
  maxEntries: 1000,
  /** Sum of the declared uncompressed sizes of all parts. */
  maxTotalSize: 50 * 1024 * 1024,
  maxEntrySize: 20 * 1024 * 1024,
  /** Above this compression ratio a part larger than 1 MB is a zip bomb, not a spreadsheet. */
  maxRatio: 400,
  /** Rows holding at least one value, per sheet. */
  maxRowsPerSheet: 5000,
  /** Bytes of one worksheet's XML. */
  maxSheetXml: 10 * 1024 * 1024,
} as const;
