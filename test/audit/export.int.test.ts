import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMetadata, JsonObject } from '../../src/platform/eventStore/eventStore.js';
import { eventDigest } from '../../src/platform/eventStore/hashChain.js';
import {
  exportsStream,
  type EventsExported,
  type EventsExportFailed,
} from '../../src/audit/exportRecord.js';
import { newEvent, untilLogReadable } from '../support/events.js';
import { startTestApp, testSeal, type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { auditPeople, tamper, type AuditPeople } from './verifySupport.js';
import { sha256, writeSums } from './exportSupport.js';

const scriptPath = new URL('../../scripts/verifyExport.mjs', import.meta.url);

interface Manifest {
  readonly exportId: string;
  readonly generatedBy: unknown;
  readonly filters: { readonly form: Record<string, string> };
  readonly counts: {
    readonly events: number;
    readonly streams: number;
    readonly redactedEvents: number;
  };
  readonly streams: Record<string, unknown>;
  readonly chainHeads: Record<string, unknown>;
}

interface Unpacked {
  readonly dir: string;
  readonly files: Record<string, string>;
  readonly lines: Record<string, unknown>[];
  readonly manifest: Manifest;
}

/** Runs a command as the third party would, never throwing: the exit code is part of the answer. */
function run(command: string, args: readonly string[], cwd?: string) {
  return new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(command, args, { cwd }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
}

const hasSha256sum = async () => (await run('sha256sum', ['--version'])).code === 0;

/**
 * What a forger would do after editing events.jsonl: recompute its SHA-256 and size in the
 * manifest, then every line of SHA256SUMS, so the files agree with each other again.
 */
function reseal(dir: string, lines: readonly Record<string, unknown>[]): void {
  const jsonl = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  writeFileSync(join(dir, 'events.jsonl'), jsonl);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    files: Record<string, { sha256: string; bytes: number }>;
  };
  manifest.files['events.jsonl'] = {
    ...manifest.files['events.jsonl']!,
    sha256: sha256(jsonl),
    bytes: Buffer.byteLength(jsonl),
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeSums(dir);
}

/** The digest the chain covers, as the portal computes it (src/platform/eventStore/hashChain.ts). */
const digestOf = (line: Record<string, unknown>) =>
  eventDigest(line.type as string, line.data as JsonObject, line.metadata as EventMetadata);

describe.each(backends())('%s: export (/revisione/esporta)', (backend) => {
  let ctx: TestApp;
  let people: AuditPeople;
  const dirs: string[] = [];

  /** Downloads an export as the auditor and extracts it into a folder of its own. */
  async function download(query: string): Promise<Unpacked> {
    const response = await people.auditor.get(`/revisione/esporta/eventi.zip?${query}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="dichiara-eventi-\d{8}-\d{6}\.zip"$/,
    );
    const entries = unzipSync(new Uint8Array(response.rawPayload));
    const dir = mkdtempSync(join(tmpdir(), 'dichiara-export-'));
    dirs.push(dir);
    const files: Record<string, string> = {};
    for (const [name, content] of Object.entries(entries)) {
      writeFileSync(join(dir, name), content);
      files[name] = Buffer.from(content).toString('utf8');
    }
    const jsonl = files['events.jsonl'] ?? '';
    return {
      dir,
      files,
      lines: jsonl
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
      manifest: JSON.parse(files['manifest.json'] ?? '{}') as Manifest,
    };
  }

  const check = (dir: string) => run(process.execPath, [join(dir, 'verifyExport.mjs'), dir]);

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    people = await auditPeople(ctx);
    await ctx.store.appendToStream('sample-export', [
      newEvent('SampleRecorded', { n: 1, note: 'prima; "riga"\nseconda' }),
      newEvent('SampleChecked', { n: 2 }),
      newEvent('SampleClosed', { n: 3, amount: -5 }),
    ]);
    await ctx.store.appendToStream('sample-other', [newEvent('SampleChecked', { n: 1 })]);
    await untilLogReadable(ctx.test.database.db, ctx.store);
  });
  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await ctx.close();
  });

  it("exports an account's stream with its password hashes redacted, and the offline check passes", async () => {
    const stream = `account-${people.declarantId}`;
    const exported = await download(`flusso=${stream}`);
    expect(Object.keys(exported.files).sort()).toEqual([
      'SHA256SUMS',
      'events.csv',
      'events.jsonl',
      'manifest.json',
      'trasparenza.json',
      'verifyExport.mjs',
    ]);
    expect(exported.files['verifyExport.mjs']).toBe(readFileSync(scriptPath, 'utf8'));
    expect(exported.files['events.jsonl']).not.toMatch(/\$argon2/);
    expect(exported.files['events.csv']).not.toMatch(/\$argon2/);
    const registered = exported.lines.find((line) => line.type === 'ReferentRegistered')!;
    expect((registered.data as Record<string, unknown>).passwordHash).toBe('[redatto]');
    expect(registered.redacted).toEqual(['data.passwordHash']);
    expect(registered.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(exported.lines.map((line) => line.version)).toEqual(
      exported.lines.map((_, index) => index + 1),
    );

    const { manifest } = exported;
    expect(manifest.generatedBy).toEqual({
      accountId: people.auditorId,
      name: 'Renato Revisore',
      role: 'auditor',
    });
    expect(manifest.filters.form).toEqual({
      flusso: stream,
      corrispondenza: 'esatta',
      periodo: 'avvenuto',
    });
    expect(manifest.counts).toMatchObject({ events: exported.lines.length, streams: 1 });
    expect(manifest.counts.redactedEvents).toBeGreaterThan(0);
    expect(manifest.chainHeads[stream]).toEqual({
      version: exported.lines.length,
      hash: exported.lines.at(-1)!.hash,
    });

    const result = await check(exported.dir);
    expect(result.stdout).toContain(
      'OK: file integri; catene ricalcolate per 1 flussi, 1 fino alla testa',
    );
    expect(result.code).toBe(0);
    if (await hasSha256sum()) {
      expect((await run('sha256sum', ['-c', 'SHA256SUMS'], exported.dir)).code).toBe(0);
    }
  });

  it('writes the same events as CSV for a spreadsheet', async () => {
    const exported = await download('flusso=sample-export');
    const csv = exported.files['events.csv']!;
    expect(csv.startsWith('\uFEFFposizione;flusso;versione;tipo;')).toBe(true);
    expect(csv).toContain(';autore;ruolo;organizzazione;ip;');
    expect(csv).toContain('"{""n"":1,""note"":""prima; \\""riga\\""\\nseconda""}"');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(4);
    expect((await check(exported.dir)).code).toBe(0);
  });

  it('starts a partial stream from the previous hash, and the check still holds', async () => {
    const exported = await download('flusso=sample-&corrispondenza=prefisso&tipo=SampleChecked');
    expect(exported.lines.map((line) => [line.streamId, line.version])).toEqual([
      ['sample-export', 2],
      ['sample-other', 1],
    ]);
    const { events } = await ctx.store.readStream('sample-export', { toVersion: 1 });
    expect(exported.lines[0]!.previousHash).toBe(events[0]!.hash);
    expect(exported.manifest.streams['sample-export']).toMatchObject({
      firstVersion: 2,
      lastVersion: 2,
      previousHash: events[0]!.hash,
    });
    const result = await check(exported.dir);
    expect(result.stdout).toContain('1 fino alla testa');
    expect(result.code).toBe(0);
  });

  it('names a byte changed in the export, by file and by stream and version', async () => {
    const exported = await download('flusso=sample-export');
    const path = join(exported.dir, 'events.jsonl');
    const original = readFileSync(path, 'utf8');
    const changed = original.replace('{"n":2}', '{"n":7}');
    expect(changed).not.toBe(original);
    writeFileSync(path, changed);

    const result = await check(exported.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ERRORE: events.jsonl: SHA-256 diverso da SHA256SUMS');
    expect(result.stdout).toContain('ERRORE: events.jsonl: SHA-256 diverso dal manifest');
    expect(result.stdout).toContain('ERRORE: flusso sample-export versione 2: evento alterato');
    if (await hasSha256sum()) {
      expect((await run('sha256sum', ['-c', 'SHA256SUMS'], exported.dir)).code).toBe(1);
    }
  });

  it('exports a tampered log as it is stored, and the check names the altered event', async () => {
    await ctx.store.appendToStream('sample-tampered', [
      newEvent('SampleRecorded', { by: 'operator-1' }),
      newEvent('SampleChecked', { by: 'operator-1' }),
    ]);
    // On a shared server other files' open transactions can hold the export's reading back.
    await untilLogReadable(ctx.test.database.db, ctx.store);
    await tamper(
      ctx.test.database,
      sql`update events set data = jsonb_set(data::jsonb, '{by}', '"operator-2"')::json
          where stream_id = 'sample-tampered' and version = 1`,
    );
    const exported = await download('flusso=sample-tampered');
    const result = await check(exported.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ERRORE: flusso sample-tampered versione 1: evento alterato');
    expect(result.stdout).not.toContain('versione 2: evento alterato');
  });

  it('redacts as the pages do: a yes/no or empty secret-named field stays readable', async () => {
    await ctx.store.appendToStream('sample-secrets', [
      newEvent('SampleSecrets', {
        mustChangePassword: true,
        resetToken: null,
        nested: [{ apiSecret: 'segreto-nascosto' }],
      }),
    ]);
    await untilLogReadable(ctx.test.database.db, ctx.store);
    const exported = await download('flusso=sample-secrets');
    expect(exported.lines[0]).toMatchObject({
      data: { mustChangePassword: true, resetToken: null, nested: [{ apiSecret: '[redatto]' }] },
      redacted: ['data.nested[0].apiSecret'],
    });
    expect(exported.files['events.jsonl']).not.toContain('segreto-nascosto');
    const result = await check(exported.dir);
    expect(result.stdout).toContain('1 eventi con campi oscurati verificati dal digest');
    expect(result.stdout).toContain('Resta da confrontare le teste delle catene');
    expect(result.code).toBe(0);
  });

  it('refuses a resealed export that passes a changed amount off as a redacted field', async () => {
    const exported = await download('flusso=sample-export');
    const lines = exported.lines.map((line) => ({ ...line }));
    const closed = lines.find((line) => line.version === 3)!;
    expect(closed.data).toEqual({ n: 3, amount: -5 });
    // The chain still vouches for the original digest; the content now says something else.
    closed.digest = digestOf(closed);
    closed.data = { n: 3, amount: 500 };
    closed.redacted = ['data.amount'];
    reseal(exported.dir, lines);
    if (await hasSha256sum()) {
      expect((await run('sha256sum', ['-c', 'SHA256SUMS'], exported.dir)).code).toBe(0);
    }

    const result = await check(exported.dir);
    expect(result.stdout).toContain(
      'ERRORE: flusso sample-export versione 3: data.amount non è un campo che il portale oscura',
    );
    expect(result.code).toBe(1);
  });

  it('refuses a redaction whose value is not the placeholder, or that hides a field too few', async () => {
    const stream = `account-${people.declarantId}`;
    const exported = await download(`flusso=${stream}`);
    const registered = exported.lines.findIndex((line) => line.type === 'ReferentRegistered');
    const reworded = exported.lines.map((line) => ({ ...line }));
    const data = reworded[registered]!.data as Record<string, unknown>;
    reworded[registered]!.data = { ...data, passwordHash: 'qualcosa', fullName: 'Altro Nome' };
    reseal(exported.dir, reworded);
    const wrongValue = await check(exported.dir);
    expect(wrongValue.stdout).toContain(
      `ERRORE: flusso ${stream} versione ${registered + 1}: data.passwordHash oscurato senza il segnaposto «[redatto]»`,
    );
    expect(wrongValue.code).toBe(1);

    const unlisted = exported.lines.map((line) => ({ ...line }));
    unlisted[registered]!.redacted = [];
    reseal(exported.dir, unlisted);
    const silent = await check(exported.dir);
    expect(silent.stdout).toContain(
      `ERRORE: flusso ${stream} versione ${registered + 1}: evento alterato`,
    );
    expect(silent.code).toBe(1);
  });

  it('records each export with who, from where, the filters, the counts and the SHA-256s', async () => {
    const response = await people.auditor.get(
      '/revisione/esporta/eventi.zip?flusso=sample-&corrispondenza=prefisso&tipo=SampleChecked',
    );
    expect(response.statusCode).toBe(200);
    const manifestText = Buffer.from(
      unzipSync(new Uint8Array(response.rawPayload))['manifest.json']!,
    ).toString('utf8');
    const manifest = JSON.parse(manifestText) as Manifest & { files: Record<string, unknown> };

    const { events } = await ctx.store.readStream(exportsStream.id());
    const recorded = events.at(-1)!;
    expect(recorded.type).toBe('EventsExported');
    const data = recorded.data as unknown as EventsExported['data'];
    expect(data.exportId).toBe(manifest.exportId);
    expect(data.filters.form).toEqual({
      flusso: 'sample-',
      corrispondenza: 'prefisso',
      tipo: 'SampleChecked',
      periodo: 'avvenuto',
    });
    expect(data.filters.applied).toMatchObject({ streamId: 'sample-', type: 'SampleChecked' });
    expect(data.counts).toEqual(manifest.counts);
    expect(data.archive).toEqual({
      sha256: sha256(response.rawPayload),
      bytes: response.rawPayload.length,
    });
    expect(data.files['manifest.json']?.sha256).toBe(sha256(manifestText));
    const files = manifest.files as Record<string, { sha256: string; bytes: number }>;
    expect(data.files['events.jsonl']).toEqual({
      sha256: files['events.jsonl']!.sha256,
      bytes: files['events.jsonl']!.bytes,
    });
    expect(recorded.metadata.actor).toEqual({ id: people.auditorId, role: 'auditor' });
    expect(recorded.metadata.clientIp).toBe('127.0.0.1');

    // And the export page lists it, newest first, with who and the zip's SHA-256.
    const page = await people.auditor.get('/revisione/esporta');
    const row = page.body.slice(page.body.indexOf(`id="esportazione-${data.exportId}"`));
    expect(row).toContain('Renato Revisore (revisore)');
    expect(row).toContain('flusso=sample-, corrispondenza=prefisso, tipo=SampleChecked');
    expect(row).toContain(`<code>${data.archive.sha256}</code>`);
    expect(row).toContain(`${data.counts.events} eventi in ${data.counts.streams} flussi`);
  });

  it('records an export that stopped before its end, with the reason', async () => {
    const before = (await ctx.store.readStream(exportsStream.id())).version;
    const { exportArchive } = await import('../../src/audit/exportArchive.js');
    const failing = {
      ...ctx.store,
      headPosition: () => Promise.reject(new Error('Archivio non raggiungibile')),
    };
    const outcomes: string[] = [];
    const stream = exportArchive(
      {
        db: ctx.test.database.db,
        store: failing,
        log: { table: 'events' },
        sealPublicKey: testSeal.publicKey,
      },
      {
        exportId: '00000000-0000-4000-8000-00000000e001',
        filter: {},
        form: {},
        generatedBy: { accountId: people.auditorId, name: 'Renato Revisore', role: 'auditor' },
        generatedAt: new Date(),
      },
      {
        exported: async () => void outcomes.push('exported'),
        failed: async (data: EventsExportFailed['data']) =>
          void outcomes.push(`failed: ${data.reason} (${data.events})`),
      },
    );
    const error = await new Promise<Error>((resolve) => stream.on('error', resolve).resume());
    expect(error.message).toBe('Archivio non raggiungibile');
    expect(outcomes).toEqual(['failed: Errore del servizio: Archivio non raggiungibile (0)']);
    expect((await ctx.store.readStream(exportsStream.id())).version).toBe(before);
  });

  it('says which filter is wrong instead of exporting', async () => {
    const response = await people.auditor.get('/revisione/esporta/eventi.zip?dal=ieri');
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Dal: inserire data e ora');
  });

  it('is closed to declarants', async () => {
    expect((await people.declarant.get('/revisione/esporta')).statusCode).toBe(403);
    const zip = await people.declarant.get('/revisione/esporta/eventi.zip?flusso=sample-export');
    expect(zip.statusCode).toBe(403);
    expect(zip.headers['content-type']).not.toBe('application/zip');
    expect((await people.auditor.get('/revisione/esporta')).statusCode).toBe(200);
  });
});
