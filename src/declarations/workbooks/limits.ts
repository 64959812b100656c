/**
 * How much of a workbook we are willing to look at, checked while it is unzipped and parsed: the
 * reading stops at the first limit passed. A filled template is far below every one.
 */
export interface WorkbookLimits {
  /** Parts inside the zip. */
  readonly maxEntries: number;
  /** Sum of the uncompressed sizes of all parts. */
  readonly maxTotalSize: number;
  /** Uncompressed size of one part. */
  readonly maxEntrySize: number;
  /** Above this compression ratio a part larger than `ratioFloor` is a zip bomb, not a spreadsheet. */
  readonly maxRatio: number;
  readonly ratioFloor: number;
  /** Rows holding at least one value, per sheet. */
  readonly maxRowsPerSheet: number;
  /** Cells holding a value, in the whole workbook. */
  readonly maxCells: number;
  /** Items of the shared-strings table. */
  readonly maxSharedStrings: number;
  /** Characters of one text: Excel's own limit for a cell. */
  readonly maxStringLength: number;
  /**
   * Elements open inside one another. SpreadsheetML needs about ten; a part nested deeper is not
   * one (`<si><si><si>…`), and each open element costs the parser memory until it closes.
   */
  readonly maxNesting: number;
}

const MB = 1024 * 1024;

/** Declaration, analyses and check-list uploads. */
export const uploadLimits: WorkbookLimits = {
  maxEntries: 1000,
  maxTotalSize: 50 * MB,
  maxEntrySize: 20 * MB,
  maxRatio: 400,
  ratioFloor: MB,
  maxRowsPerSheet: 5000,
  maxCells: 100_000,
  maxSharedStrings: 100_000,
  maxStringLength: 32_767,
  maxNesting: 64,
};

/** The utility's registry export: one row per contract, four columns. */
export const registryLimits: WorkbookLimits = {
  ...uploadLimits,
  maxTotalSize: 100 * MB,
  maxEntrySize: 50 * MB,
  maxRowsPerSheet: 100_000,
  maxCells: 500_000,
  maxSharedStrings: 500_000,
};
