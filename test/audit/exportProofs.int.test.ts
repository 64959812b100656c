import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestTreeHead } from '../../projections/audit/treeHeads.js';
import { exportArchive } from '../../src/audit/exportArchive.js';
import { headJson } from '../../src/platform/transparency/publishedJson.js';
import { headOrigin, signTreeHead } from '../../src/audit/treeHeadSigning.js';
import { chainHash, eventDigest } from '../../src/platform/eventStore/hashChain.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { signHead } from '../../src/platform/transparency/treeHead.js';
import { TestClient } from '../support/client.js';
import { newEvent } from '../support/events.js';
import { settle, startTestApp, testSeal, testTagKey, type TestApp } from '../support/testApp.js';
import { backends, type Backend } from '../support/testDatabase.js';
import { auditPeople, tamper, type AuditPeople } from './verifySupport.js';
import { sha256, writeSums } from './exportSupport.js';

interface Proofs {
  readonly interoRegistro: boolean;
  readonly chiavePubblica: string | null;
  readonly testa: { dimensione: number; radice: string; origine: string; firmataIl: string } | null;
  readonly eventi: {
    flusso: string;
    versione: number;
    evento: string;
    foglia: number | null;
    prova: string[] | null;
  }[];
}

interface Receipt {
  readonly evento: string;
  readonly foglia: number;
  readonly dimensione: number;
  readonly testa: Record<string, unknown>;
}

/**
 * Runs the checker as the third party would, never throwing: the exit code is part of it, -1
 * when it had to be stopped after 30 seconds.
 */
function run(args: readonly string[]) {
  return new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, args, { timeout: 30_000 }, (error, stdout) =>
      resolve({ code: error ? (error.killed ? -1 : Number(error.code ?? 1)) : 0, stdout }),
    );
  });
}

/**
 * What a forger does after editing trasparenza.json: its SHA-256 and size, and the counts of
 * proven events, in the manifest, then every line of SHA256SUMS, so the files agree again.
 */
function reseal(
  dir: string,
  proofs: { readonly eventi: readonly { prova: unknown }[]; readonly [field: string]: unknown },
): void {
  const text = JSON.stringify(proofs);
  writeFileSync(join(dir, 'trasparenza.json'), text);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    files: Record<string, { sha256: string; bytes: number }>;
    transparency: { proven: number; notCovered: number };
  };
  manifest.files['trasparenza.json'] = {
    ...manifest.files['trasparenza.json']!,
    sha256: sha256(text),
    bytes: Buffer.byteLength(text),
  };
  const proven = proofs.eventi.filter((entry) => entry.prova !== null).length;
  manifest.transparency = {
    ...manifest.transparency,
    proven,
    notCovered: proofs.eventi.length - proven,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeSums(dir);
}

/**
 * An app with an auditor, and what a filer and a third party do: download an export, keep a
 * receipt (/trasparenza/inclusione) or a consistency proof, run the shipped verifyExport.mjs.
 */
function exportBench(backend: Backend) {
  const bench = {} as { ctx: TestApp; people: AuditPeople; files: string };
  const dirs: string[] = [];

  const start = async () => {
    bench.ctx = await startTestApp({ backend });
    bench.people = await auditPeople(bench.ctx);
    bench.files = mkdtempSync(join(tmpdir(), 'dichiara-prove-'));
    dirs.push(bench.files);
  };
  const stop = async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await bench.ctx?.close();
  };

  /** A head of the tree as it is now, as the portal signs one every minute. */
  const signHeadNow = async () => {
    await settle(bench.ctx);
    const signed = await signTreeHead({
      db: bench.ctx.test.database.db,
      store: bench.ctx.store,
      seal: testSeal,
      origin: headOrigin('Servizio Idrico Integrato'),
      clock: () => new Date(),
    });
    await settle(bench.ctx);
    return signed!.head;
  };

  /** An export's zip extracted into a folder of its own, with its trasparenza.json read. */
  const extract = (zip: Uint8Array) => {
    const dir = mkdtempSync(join(tmpdir(), 'dichiara-export-'));
    dirs.push(dir);
    const entries = unzipSync(zip);
    for (const [name, content] of Object.entries(entries)) writeFileSync(join(dir, name), content);
    const proofs = JSON.parse(Buffer.from(entries['trasparenza.json']!).toString()) as Proofs;
    const lines = Buffer.from(entries['events.jsonl']!)
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { metadata: { recordedAt: string } });
    return { dir, proofs, lines };
  };

  const download = async (query: string) => {
    const response = await bench.people.auditor.get(`/revisione/esporta/eventi.zip?${query}`);
    expect(response.statusCode).toBe(200);
    return extract(new Uint8Array(response.rawPayload));
  };

  /** A public answer of /trasparenza, kept as a file (the JSON ones read back). */
  const keep = async (url: string, name: string) => {
    const answer = await new TestClient(bench.ctx.app).get(url);
    expect(answer.statusCode, url).toBe(200);
    const file = join(bench.files, name);
    writeFileSync(file, answer.body);
    const json = name.endsWith('.json') ? (JSON.parse(answer.body) as unknown) : null;
    return { file, json };
  };
  const keepFile = (name: string, content: string) => {
    const file = join(bench.files, name);
    writeFileSync(file, content);
    return file;
  };

  const check = (dir: string, ...args: string[]) =>
    run([join(dir, 'verifyExport.mjs'), dir, ...args]);

  return { bench, start, stop, signHeadNow, extract, download, keep, keepFile, check };
}

describe.each(backends())(
  '%s: export: the events proven in the signed tree of the log',
  (backend) => {
    const { bench, start, stop, signHeadNow, download, keep, keepFile, check } =
      exportBench(backend);
    const ids = { checked: randomUUID(), rewritten: randomUUID() };
    let keyFile: string;
    /** A receipt from a head the log has grown past since. */
    let earlier: { file: string; size: number };

    beforeAll(async () => {
      await start();
      await bench.ctx.store.appendToStream('sample-proofs', [
        newEvent('SampleRecorded', { n: 1 }),
        newEvent('SampleChecked', { n: 2 }, ids.checked),
        newEvent('SampleClosed', { n: 3 }),
      ]);
      await bench.ctx.store.appendToStream('sample-rewritten', [
        newEvent('SampleRecorded', { by: 'operator-1' }),
        newEvent('SampleChecked', { by: 'operator-1' }, ids.rewritten),
      ]);
      await signHeadNow();
      keyFile = (await keep('/trasparenza/chiave', 'dichiara-chiave-pubblica.pem')).file;
    });
    afterAll(stop);

    it('proves each event in the newest signed head, and lists those signed after it', async () => {
      await bench.ctx.store.appendToStream('sample-proofs', [newEvent('SampleReopened', { n: 4 })]);
      await settle(bench.ctx);
      const head = (await latestTreeHead(bench.ctx.test.database.db))!;
      const { dir, proofs } = await download('flusso=sample-proofs');

      expect(proofs.testa).toEqual(headJson(head));
      expect(proofs.chiavePubblica).toBe(
        testSeal.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      );
      expect(proofs.interoRegistro).toBe(false);
      expect(proofs.eventi.map((entry) => [entry.versione, entry.prova === null])).toEqual([
        [1, false],
        [2, false],
        [3, false],
        [4, true],
      ]);
      expect(proofs.eventi[3]!.foglia).toBeGreaterThanOrEqual(head.size);

      const result = await check(dir, '--chiave', keyFile);
      expect(result.stdout).toContain(
        `OK: testa firmata di ${head.size} eventi del ${head.signedAt}, firma valida per la chiave ` +
          `--chiave ${keyFile}`,
      );
      expect(result.stdout).toContain(
        "3 eventi provati nell'albero firmato, 1 non ancora coperti da una testa firmata.",
      );
      expect(result.stdout).toContain(
        'Gli eventi provati sono nel registro che il portale ha firmato',
      );
      expect(result.code).toBe(0);
    });

    it('proves a whole-log export too, every leaf the head covers being in it', async () => {
      const head = await signHeadNow();
      const { dir, proofs } = await download('');
      expect(proofs.interoRegistro).toBe(true);
      const covered = proofs.eventi.filter((entry) => entry.prova !== null);
      expect(covered.map((entry) => entry.foglia)).toEqual([...Array(head.size).keys()]);
      const result = await check(dir);
      expect(result.stdout).toContain(`eventi provati nell'albero firmato`);
      expect(result.code).toBe(0);
    });

    it('names a key that is not the one the export carries', async () => {
      const { dir } = await download('flusso=sample-proofs');
      const other = keepFile(
        'altra-chiave.pem',
        generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      );
      const result = await check(dir, '--chiave', other);
      expect(result.stdout).toMatch(
        new RegExp(
          `ERRORE: trasparenza\\.json: la chiave pubblica dell'esportazione \\(impronta [0-9a-f]{64}\\) ` +
            `non è quella di ${other.replace(/[.\\]/g, '\\$&')} \\(impronta [0-9a-f]{64}\\)`,
        ),
      );
      expect(result.stdout).toContain('ERRORE: trasparenza.json: la firma della testa');
      expect(result.stdout).toContain("l'esportazione non è integra.");
      expect(result.code).toBe(1);
    });

    it('checks a kept receipt against the export, and names a forged one', async () => {
      const receipt = await keep(`/trasparenza/inclusione?evento=${ids.checked}`, 'ricevuta.json');
      const kept = receipt.json as Receipt;
      const { dir } = await download('');
      const genuine = await check(dir, '--chiave', keyFile, '--ricevuta', receipt.file);
      expect(genuine.stdout).toContain(
        `OK: ricevuta ${receipt.file}: evento ${ids.checked}, foglia ${kept.foglia} della testa di ` +
          `${kept.dimensione} eventi`,
      );
      expect(genuine.stdout).toContain("l'evento è nell'esportazione");
      expect(genuine.stdout).toMatch(/contiene ancora gli eventi firmati \((stessa testa|radice)/);
      expect(genuine.code).toBe(0);

      // The same receipt, its head signed by someone else's key (and one byte of the root changed).
      const forger = generateKeyPairSync('ed25519').privateKey;
      const testa = kept.testa as { origine: string; radice: string; firmataIl: string };
      const root = Buffer.from(testa.radice, 'hex');
      root[0]! ^= 1;
      const forgedHead = signHead(
        { origin: testa.origine, size: kept.dimensione, root, signedAt: testa.firmataIl },
        forger,
      );
      const forged = keepFile(
        'ricevuta-falsa.json',
        JSON.stringify({ ...kept, testa: headJson(forgedHead) }),
      );
      const result = await check(dir, '--chiave', keyFile, '--ricevuta', forged);
      expect(result.stdout).toContain(
        `ERRORE: ricevuta ${forged}: la firma della testa (${kept.dimensione} eventi) non è valida ` +
          `per la chiave --chiave ${keyFile}: ricevuta contraffatta o alterata`,
      );
      expect(result.stdout).toContain('una ricevuta o una prova indicata non è valida');
      expect(result.stdout).not.toContain("l'esportazione non è integra");
      expect(result.code).toBe(1);

      // With no key but the export's own, the export could as well be the forgery.
      const unkeyed = await check(dir, '--ricevuta', forged);
      expect(unkeyed.stdout).toContain(
        `ERRORE: ricevuta ${forged}: la chiave contenuta nell'esportazione non ha firmato la testa ` +
          `della ricevuta (${kept.dimensione} eventi): la ricevuta o l'esportazione non è autentica.`,
      );
      expect(unkeyed.code).toBe(1);
    });

    it('says a partial export cannot show offline that the log grew from a receipt, and a consistency proof can', async () => {
      const receipt = await keep(`/trasparenza/inclusione?evento=${ids.checked}`, 'prima.json');
      const before = (receipt.json as Receipt).dimensione;
      await bench.ctx.store.appendToStream('sample-later', [newEvent('SampleRecorded')]);
      const head = await signHeadNow();
      const { dir } = await download('flusso=sample-proofs');

      const alone = await check(dir, '--ricevuta', receipt.file);
      expect(alone.stdout).toContain(
        `ATTENZIONE: ricevuta ${receipt.file}: coerenza non verificabile offline, l'esportazione ` +
          `non contiene tutti i primi ${before} eventi del registro. Scaricare dal portale ` +
          `/trasparenza/coerenza?da=${before}&a=${head.size} e ripetere con --coerenza FILE.`,
      );
      expect(alone.code).toBe(0);

      const proof = await keep(
        `/trasparenza/coerenza?da=${before}&a=${head.size}`,
        'coerenza.json',
      );
      const both = await check(dir, '--ricevuta', receipt.file, '--coerenza', proof.file);
      expect(both.stdout).toContain('contiene ancora gli eventi firmati (prova di coerenza)');
      expect(both.stdout).not.toContain('ATTENZIONE');
      expect(both.code).toBe(0);

      // A proof that does not link the two signed roots: the log was rewritten.
      const json = proof.json as { prova: string[] };
      const broken = keepFile(
        'coerenza-rotta.json',
        JSON.stringify({ ...json, prova: json.prova.map((hash) => hash.replace(/^./, '0')) }),
      );
      const rewritten = await check(dir, '--ricevuta', receipt.file, '--coerenza', broken);
      expect(rewritten.stdout).toContain(`non lega la testa della ricevuta (${before} eventi)`);
      expect(rewritten.code).toBe(1);

      // An export of the whole log holds the first leaves: their root is recomputed offline.
      const whole = await download('');
      const recomputed = await check(whole.dir, '--ricevuta', receipt.file);
      expect(recomputed.stdout).toContain(
        'contiene ancora gli eventi firmati (radice ricalcolata)',
      );
      expect(recomputed.code).toBe(0);
      earlier = { file: receipt.file, size: before };
    });

    it('names an event rewritten with its link recomputed: the chain holds, its proof does not', async () => {
      const kept = await keep(`/trasparenza/inclusione?evento=${ids.rewritten}`, 'riscritto.json');
      const { events } = await bench.ctx.store.readStream('sample-rewritten');
      const [first, second] = events;
      const data = { by: 'operator-2' };
      const link = chainHash(first!.hash, eventDigest(second!.type, data, second!.metadata));
      await tamper(
        bench.ctx.test.database,
        sql`update events set data = ${JSON.stringify(data)}::json, hash = ${Buffer.from(link, 'hex')}
          where stream_id = 'sample-rewritten' and version = 2`,
      );
      await sql`update streams set last_hash = ${Buffer.from(link, 'hex')}
              where stream_id = 'sample-rewritten'`.execute(bench.ctx.test.database.db);

      const { dir } = await download('flusso=sample-rewritten');
      const result = await check(dir, '--chiave', keyFile);
      expect(result.stdout).not.toContain("evento alterato (l'hash della catena");
      expect(result.stdout).not.toContain('manifest.json');
      expect(result.stdout).toMatch(
        /ERRORE: flusso sample-rewritten versione 2: la prova di inclusione non lo lega alla testa firmata \(foglia \d+ di \d+\)/,
      );
      expect(result.stdout).not.toContain('versione 1: la prova');
      expect(result.code).toBe(1);

      // The filer's receipt for that very event says which hash the log held.
      const held = await check(dir, '--ricevuta', kept.file);
      expect(held.stdout).toContain(
        `ERRORE: ricevuta ${kept.file}: l'evento ${ids.rewritten} (flusso sample-rewritten ` +
          "versione 2) non ha più l'hash che la ricevuta attesta",
      );
      expect(held.stdout).not.toContain(`OK: ricevuta`);

      // The whole log against a receipt signed before: the first leaves no longer give its root.
      const whole = await download('');
      const receipt = await check(whole.dir, '--ricevuta', earlier.file);
      expect(receipt.stdout).toContain(
        `ERRORE: ricevuta ${earlier.file}: i primi ${earlier.size} eventi dell'esportazione non ` +
          'hanno la radice che la ricevuta firma: registro riscritto',
      );
      expect(receipt.code).toBe(1);
    });
  },
);

describe.each(backends())('%s: export: a receipt kept before the log was cut short', (backend) => {
  const { bench, start, stop, signHeadNow, download, keep, check } = exportBench(backend);
  const cutId = randomUUID();

  beforeAll(start);
  afterAll(stop);

  it('names the truncation from the earlier receipt and a new export alone, with both sizes', async () => {
    const { ctx } = bench;
    const { db } = ctx.test.database;
    await ctx.store.appendToStream('sample-kept', [newEvent('SampleRecorded', { n: 1 })]);
    await settle(ctx);
    await ctx.store.appendToStream('sample-cut', [
      newEvent('SampleRecorded', { n: 1 }),
      newEvent('SampleChecked', { n: 2 }, cutId),
      newEvent('SampleClosed', { n: 3 }),
    ]);
    const signed = await signHeadNow();
    const receipt = await keep(`/trasparenza/inclusione?evento=${cutId}`, 'ricevuta.json');
    expect((receipt.json as Receipt).dimensione).toBe(signed.size);

    // Whoever holds the database drops the tail of the log — the cut stream and the head's own
    // event — sets the streams' heads back, and has the tree and the heads rebuilt from what is
    // left; the portal then signs the shorter tree as it would any other.
    const { rows } = await sql<{ tx_id: string; position: string }>`
      select tx_id::text as tx_id, position::text as position from events
      where stream_id = 'sample-cut' and version = 1`.execute(db);
    const cut = rows[0]!;
    await tamper(
      ctx.test.database,
      sql`delete from events
          where (tx_id, position) >= (${cut.tx_id}::xid8, ${cut.position}::bigint)`,
    );
    await sql`delete from streams s
              where not exists (select 1 from events e where e.stream_id = s.stream_id)`.execute(
      db,
    );
    await sql`update streams s set version = last.version, last_hash = last.hash
              from (select distinct on (stream_id) stream_id, version, hash from events
                    order by stream_id, version desc) as last
              where last.stream_id = s.stream_id`.execute(db);
    await sql`delete from merkle_tiles`.execute(db);
    await sql`delete from tree_heads`.execute(db);
    await ctx.projections.rebuild('merkle_tree');
    await ctx.projections.rebuild('tree_heads');
    const after = await signHeadNow();
    expect(after.size).toBeLessThan(signed.size);

    const { dir, proofs } = await download('flusso=sample-kept');
    expect(proofs.testa?.dimensione).toBe(after.size);
    const result = await check(dir, '--ricevuta', receipt.file);
    expect(result.stdout).toContain(
      `ERRORE: ricevuta ${receipt.file}: la testa della ricevuta firma ${signed.size} eventi, ` +
        `quella dell'esportazione, firmata dopo, solo ${after.size}: il registro è stato troncato`,
    );
    // The export itself holds: what it lacks is only what the receipt proves was there.
    expect(result.stdout.match(/ERRORE/g)).toHaveLength(1);
    expect(result.stdout).toContain(
      '1 problemi trovati: il registro non contiene più ciò che il portale ha firmato.',
    );
    expect(result.code).toBe(1);
  });

  it('names the events a head still covers when the log and its tree were cut short behind it', async () => {
    const { ctx } = bench;
    const { db } = ctx.test.database;
    await ctx.store.appendToStream('sample-late', [
      newEvent('SampleRecorded', { n: 1 }),
      newEvent('SampleChecked', { n: 2 }),
    ]);
    const signed = await signHeadNow();
    // This time the heads are left alone: only the events and the tree are cut back.
    const { rows } = await sql<{ tx_id: string; position: string }>`
      select tx_id::text as tx_id, position::text as position from events
      where stream_id = 'sample-late' and version = 1`.execute(db);
    await tamper(
      ctx.test.database,
      sql`delete from events
          where (tx_id, position) >= (${rows[0]!.tx_id}::xid8, ${rows[0]!.position}::bigint)`,
    );
    await sql`delete from streams s
              where not exists (select 1 from events e where e.stream_id = s.stream_id)`.execute(
      db,
    );
    await ctx.projections.rebuild('merkle_tree');
    await settle(ctx);

    const { dir, proofs } = await download('');
    expect(proofs.testa?.dimensione).toBe(signed.size);
    const left = proofs.eventi.length;
    expect(left).toBeLessThan(signed.size);
    expect(proofs.eventi.every((entry) => entry.prova === null)).toBe(true);
    const result = await check(dir);
    expect(result.stdout).toContain(
      `ERRORE: esportazione dell'intero registro senza ${signed.size - left} dei ${signed.size} ` +
        `eventi che la testa firmata copre (foglie ${left}–${signed.size - 1}): eventi cancellati ` +
        'dal registro',
    );
    expect(result.stdout).toMatch(/versione 1: la foglia 0 è coperta dalla testa firmata ma manca/);
    expect(result.code).toBe(1);
  });
});

describe.each(backends())(
  '%s: export: what trasparenza.json and a receipt cannot pass off',
  (backend) => {
    const { bench, start, stop, signHeadNow, extract, download, keep, check } =
      exportBench(backend);
    const ids = { held: randomUUID(), later: randomUUID() };
    let keyFile: string;

    /** The log's own store, its clock `minutes` behind the one that signs the heads. */
    const storeBehind = (minutes: number) =>
      createPostgresEventStore(bench.ctx.test.database, {
        now: () => new Date(Date.now() - minutes * 60_000),
        tagKey: testTagKey,
      });

    beforeAll(async () => {
      await start();
      // Recorded well before the head signed next: that head must hold them.
      await storeBehind(10).appendToStream('sample-held', [
        newEvent('SampleRecorded', { n: 1 }),
        newEvent('SampleChecked', { n: 2 }, ids.held),
      ]);
      await signHeadNow();
      keyFile = (await keep('/trasparenza/chiave', 'dichiara-chiave-pubblica.pem')).file;
    });
    afterAll(stop);

    /** trasparenza.json with its head signed by someone else, who put their own key in it. */
    const resigned = (proofs: Proofs, size = proofs.testa!.dimensione) => {
      const forger = generateKeyPairSync('ed25519');
      const { origine, radice, firmataIl } = proofs.testa!;
      const head = { origin: origine, size, root: Buffer.from(radice, 'hex'), signedAt: firmataIl };
      return {
        ...proofs,
        testa: headJson(signHead(head, forger.privateKey)),
        chiavePubblica: forger.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
    };

    it('names an event without a proof that says it was recorded before the signed head', async () => {
      const head = (await latestTreeHead(bench.ctx.test.database.db))!;
      const receipt = await keep(`/trasparenza/inclusione?evento=${ids.held}`, 'ricevuta.json');
      const { dir, proofs, lines } = await download('flusso=sample-held');
      expect(proofs.interoRegistro).toBe(false);
      expect((await check(dir, '--chiave', keyFile, '--ricevuta', receipt.file)).code).toBe(0);
      // The forger's export: none of its events in the tree, so no proof to fail.
      reseal(dir, {
        ...proofs,
        eventi: proofs.eventi.map((entry) => ({ ...entry, foglia: null, prova: null })),
      });
      const result = await check(dir, '--chiave', keyFile, '--ricevuta', receipt.file);
      for (const [i, line] of lines.entries())
        expect(result.stdout).toContain(
          `ERRORE: flusso sample-held versione ${i + 1}: registrato il ${line.metadata.recordedAt}, ` +
            `prima della testa firmata il ${head.signedAt} che dovrebbe quindi contenerlo, ma ` +
            'senza prova di inclusione',
        );
      expect(result.code).toBe(1);
    });

    it('proves a whole-log export against a head no newer than its end, one being signed as it starts', async () => {
      const { ctx, people } = bench;
      // The log's end is read, then one more event is written and a head signed over it.
      const racing = {
        ...ctx.store,
        headPosition: async () => {
          const end = await ctx.store.headPosition();
          await ctx.store.appendToStream('sample-racing', [newEvent('SampleRecorded')]);
          await signHeadNow();
          return end;
        },
      };
      const zip = exportArchive(
        {
          db: ctx.test.database.db,
          store: racing,
          log: { table: 'events' },
          sealPublicKey: testSeal.publicKey,
        },
        {
          exportId: randomUUID(),
          filter: {},
          form: {},
          generatedBy: { accountId: people.auditorId, name: 'Renato Revisore', role: 'auditor' },
          generatedAt: new Date(),
        },
        { exported: () => Promise.resolve(), failed: () => Promise.resolve() },
      );
      const { dir, proofs } = extract(Buffer.concat((await zip.toArray()) as Buffer[]));
      expect(proofs.interoRegistro).toBe(true);
      const result = await check(dir, '--chiave', keyFile);
      expect(result.stdout).not.toContain('eventi cancellati');
      expect(result.code).toBe(0);
      // The head signed as the export started is not the one it is proven against.
      expect(proofs.testa!.dimensione).toBeLessThan(
        (await latestTreeHead(ctx.test.database.db))!.size,
      );
    });

    it('says an export older than a receipt cannot confirm it, not that the log was truncated', async () => {
      const older = await download('flusso=sample-held');
      await bench.ctx.store.appendToStream('sample-later', [
        newEvent('SampleRecorded', {}, ids.later),
      ]);
      const head = await signHeadNow();
      const receipt = await keep(`/trasparenza/inclusione?evento=${ids.later}`, 'nuova.json');
      expect((receipt.json as Receipt).dimensione).toBe(head.size);
      const testa = older.proofs.testa!;
      expect(testa.dimensione).toBeLessThan(head.size);

      const result = await check(older.dir, '--chiave', keyFile, '--ricevuta', receipt.file);
      expect(result.stdout).toContain(
        `ATTENZIONE: ricevuta ${receipt.file}: l'esportazione è anteriore alla ricevuta e non può ` +
          `confermarla (la sua testa firma ${testa.dimensione} eventi il ${testa.firmataIl}, quella ` +
          `della ricevuta ${head.size} il ${head.signedAt}). Scaricare una nuova esportazione e ` +
          'ripetere la verifica.',
      );
      expect(result.stdout).not.toContain('ERRORE');
      expect(result.code).toBe(0);
    });

    it('checks a head claiming the largest size in the time its events take, signed or not', async () => {
      const { dir, proofs } = await download('');
      const largest = Number.MAX_SAFE_INTEGER;
      const held = proofs.eventi.filter((entry) => entry.foglia !== null).length;

      // The size changed, the signature left as it was (the signed text, no longer it, left out).
      reseal(dir, { ...proofs, testa: { ...proofs.testa, dimensione: largest, testo: undefined } });
      const unsigned = await check(dir);
      expect(unsigned.stdout).toContain(
        `ERRORE: trasparenza.json: la firma della testa (${largest} eventi) non è valida`,
      );
      expect(unsigned.code).toBe(1);

      // Signed again by whoever made it, with their own key in the export.
      reseal(dir, resigned(proofs, largest));
      const forged = await check(dir);
      expect(forged.stdout).toContain(
        `ERRORE: esportazione dell'intero registro senza ${largest - held} dei ${largest} eventi ` +
          `che la testa firmata copre (foglie ${held}–${largest - 1}): eventi cancellati dal registro`,
      );
      expect(forged.code).toBe(1);
    });

    it("puts a receipt the export's own key did not sign down to either, and asks for the portal's key", async () => {
      const receipt = await keep(`/trasparenza/inclusione?evento=${ids.held}`, 'vera.json');
      const size = (receipt.json as Receipt).dimensione;
      const { dir, proofs } = await download('flusso=sample-held');
      reseal(dir, resigned(proofs));

      const alone = await check(dir, '--ricevuta', receipt.file);
      expect(alone.stdout).toContain(
        `ERRORE: ricevuta ${receipt.file}: la chiave contenuta nell'esportazione non ha firmato ` +
          `la testa della ricevuta (${size} eventi): la ricevuta o l'esportazione non è autentica. ` +
          'Ripetere con --chiave e la chiave pubblicata dal portale (/trasparenza/chiave).',
      );
      expect(alone.stdout).not.toContain('contraffatta');
      expect(alone.stdout).toContain(
        "1 problemi trovati: una ricevuta non è firmata con la chiave dell'esportazione.",
      );
      expect(alone.code).toBe(1);

      // With the portal's key, the export is the one named, and the receipt holds.
      const keyed = await check(dir, '--chiave', keyFile, '--ricevuta', receipt.file);
      expect(keyed.stdout).toContain(
        "ERRORE: trasparenza.json: la chiave pubblica dell'esportazione",
      );
      expect(keyed.stdout).toContain(`OK: ricevuta ${receipt.file}: evento ${ids.held}`);
      expect(keyed.stdout).not.toContain('ricevuta contraffatta');
      expect(keyed.code).toBe(1);
    });

    it('lets an event a head leaves out say it was recorded up to 5 minutes before it', async () => {
      await bench.ctx.store.appendToStream('sample-skewed', [newEvent('SampleRecorded')]);
      const head = await signHeadNow();
      // Written after the head, by a process whose clock is 4 minutes behind.
      await storeBehind(4).appendToStream('sample-skewed', [newEvent('SampleChecked')]);
      const { dir, proofs, lines } = await download('flusso=sample-skewed');
      expect(proofs.eventi.map((entry) => entry.prova === null)).toEqual([false, true]);
      expect(Date.parse(lines[1]!.metadata.recordedAt)).toBeLessThan(Date.parse(head.signedAt));
      const result = await check(dir, '--chiave', keyFile);
      expect(result.stdout).not.toContain('ERRORE');
      expect(result.code).toBe(0);
    });
  },
);
