import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCampaignSettings } from '../../domain/campaigns/defaultCampaignSettings.js';
import { addDays, romeDay } from '../../domain/shared/italianDate.js';
import { openCampaign } from '../../src/campaigns/openCampaign.js';
import { reminderKindLabels } from '../../src/reminders/reminderLabels.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { runCliProcess } from '../support/cli.js';
import { createOperator, settle, startTestApp, type TestApp } from '../support/testApp.js';
import { postgresUrl } from '../support/testDatabase.js';
import { assignDemoOfficerBari, systemContext } from '../observatory/support.js';

/**
 * `npm run cli -- reminders:run` in two processes at once on one PostgreSQL, as two portal
 * processes' schedulers would wake together: each reminder is recorded once and mailed once.
 */
describe.skipIf(!postgresUrl())(
  postgresUrl()
    ? 'postgres: reminders run by two processes at once'
    : 'reminders run by two processes at once (skipped: no PostgreSQL server, set DATABASE_URL)',
  { timeout: 180_000 },
  () => {
    let ctx: TestApp;
    const contracts = ['3006660001', '3006660002', '3006660003'];
    const reminderEvents = async () =>
      (
        await ctx.test.database.db
          .selectFrom('events')
          .select('stream_id')
          .where('type', '=', 'ReminderSent')
          .execute()
      ).map((row) => row.stream_id);

    beforeAll(async () => {
      ctx = await startTestApp({ backend: 'postgres' });
      await createOperator(ctx);
      await seedRegistry(
        ctx.test.database.db,
        contracts.map((contract, i) => [`666000000${i}`, contract, `Ditta ${i} SRL`]),
      );
      for (const [i, contract] of contracts.entries()) {
        await registerAndApprove(
          ctx,
          'ditta',
          registrationFields(
            {
              username: `ditta.promemoria.${i}`,
              password: 'Segreta-2026',
              fullName: `Referente ${i}`,
              email: `referente${i}@ditta.example`,
            },
            [{ customerCode: `666000000${i}`, contracts: [contract] }],
          ),
        );
      }
      // A campaign due in a week, opened today: today is its opening day.
      const deadline = addDays(romeDay(new Date()), 7);
      const year = Number(deadline.slice(0, 4)) - 1;
      await openCampaign(
        ctx.store,
        defaultCampaignSettings(year, deadline),
        systemContext(new Date(), 'cli'),
      );
      await assignDemoOfficerBari(ctx.store, new Date());
      await settle(ctx);
    });
    afterAll(async () => ctx?.close());

    it('lists with --dry-run what it would send, recording nothing', async () => {
      const dry = await runCliProcess(['reminders:run', '--dry-run'], {
        DATABASE_URL: ctx.test.url!,
      });
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout.match(/^DA INVIARE: /gm)).toHaveLength(4);
      expect(dry.stdout).toContain('contratto 3006660001');
      // The CLI runs on today's date: the municipality's reminder is the one of today's day.
      const day = Number(romeDay(new Date()).slice(8, 10));
      const kind = day >= 16 ? 'month-late' : day >= 10 ? 'month-due-soon' : 'month-ended';
      expect(dry.stdout).toContain(
        `Comune di Bari, ${reminderKindLabels[kind]} → ambiente@comune.bari.it`,
      );
      expect(dry.stdout).toContain('4 promemoria da inviare (nulla è stato registrato).');
      expect(await reminderEvents()).toEqual([]);
    });

    it('records and mails each reminder once when two processes run at the same time', async () => {
      const runs = await Promise.all([
        runCliProcess(['reminders:run'], { DATABASE_URL: ctx.test.url! }),
        runCliProcess(['reminders:run'], { DATABASE_URL: ctx.test.url! }),
      ]);
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const recorded = runs.flatMap((run) => run.stdout.match(/^REGISTRATO: .*$/gm) ?? []);
      expect(recorded).toHaveLength(4);
      expect(new Set(recorded).size).toBe(4);
      const streams = await reminderEvents();
      expect(streams).toHaveLength(4);
      expect(new Set(streams).size).toBe(4);

      await settle(ctx);
      const mails = await ctx.test.database.db
        .selectFrom('mail_outbox')
        .select('to_address')
        .where((eb) =>
          eb.or([eb('subject', 'like', '%aperta%'), eb('subject', 'like', '%flussi di%')]),
        )
        .execute();
      expect(mails.map((mail) => mail.to_address).sort()).toEqual([
        'ambiente@comune.bari.it',
        'referente0@ditta.example',
        'referente1@ditta.example',
        'referente2@ditta.example',
      ]);

      const again = await runCliProcess(['reminders:run'], { DATABASE_URL: ctx.test.url! });
      expect(again.stdout).toContain('0 promemoria registrati');
    });
  },
);
