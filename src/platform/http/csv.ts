type Cell = string | number | boolean | null;

/** A cell a spreadsheet reads as text: a leading = + - @ would make it a formula, so it is quoted. */
const csvCell = (value: Cell): string => {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[";\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Semicolon-separated with a BOM, as Excel opens it in Italy. */
export const csvDocument = (
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
): string =>
  `\uFEFF${[header.join(';'), ...rows.map((row) => row.map(csvCell).join(';'))].join('\r\n')}\r\n`;
