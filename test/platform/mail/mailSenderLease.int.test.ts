import type { KyselyPlugin } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import type { MailTransport, TransportMessage } from '../../../src/platform/mail/mailTransport.js';
import { enqueueMail, messageIdFor, type OutgoingMail } from '../../../src/platform/mail/outbox.js';
import { backends } from '../../support/testDatabase.js';
import { from, mailSenderHarness } from './mailSenderHarness.js';

const otp = (key = 'evt-otp-1:mail'): OutgoingMail => ({
  key,
  to: 'referente@example.com',
  subject: 'Dichiara – codice di conferma della registrazione',
  text: 'Il codice per confermare il tuo indirizzo e-mail è:\n\n482913\n\nEntro 15 minuti.',
  html: '<p>Il codice per confermare il tuo indirizzo e-mail è: <strong>482913</strong></p>',
});

/** A transport that holds each message until let go, then hands it on. */
function gated(next: MailTransport) {
  const waiting: (() => void)[] = [];
  const transport: MailTransport = {
    async send(message) {
      await new Promise<void>((resolve) => waiting.push(resolve));
      await next.send(message);
    },
  };
  return {
    transport,
    waiting: () => waiting.length,
    letGo: () => waiting.splice(0).forEach((go) => go()),
  };
}

describe.each(backends())('%s: mail sender lease', (backend) => {
  const { database, db, smtp, smtpOut, now, advance, sender, rows, logger } =
    mailSenderHarness(backend);
  const received = () => smtp().received.map((mail) => mail.messageId);

  it('delivers, exactly once and within a minute, an OTP mail claimed by a sender that died', async () => {
    await enqueueMail(db(), otp(), now());
    // The first sender dies as SMTP starts: from then on it reaches neither the database (no
    // heartbeat, no release, no mark) nor the SMTP server.
    let dead = false;
    const cutOff: KyselyPlugin = {
      transformQuery: (args) => {
        if (dead) throw new Error('the process is gone');
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    const dying = { ...database(), db: db().withPlugin(cutOff) };
    let endOfProcess: ((error: Error) => void) | null = null;
    const neverDone: MailTransport = {
      send: () =>
        new Promise<void>((_resolve, reject) => {
          dead = true;
          endOfProcess = reject;
        }),
    };
    const claimedAt = now();
    const deadPass = sender({ heartbeatMs: 10 }, neverDone, dying).deliverDue();
    await vi.waitFor(() => expect(dead).toBe(true));
    expect(await rows()).toMatchObject([{ status: 'pending', attempts: 1 }]);

    const survivor = sender();
    advance(29_999);
    expect(await survivor.deliverDue()).toBe(0); // its lease still runs
    advance(1);
    expect(await survivor.deliverDue()).toBe(1);
    expect(now().getTime() - claimedAt.getTime()).toBeLessThanOrEqual(60_000);

    advance(60 * 60_000);
    expect(await survivor.deliverDue()).toBe(0);
    expect(received()).toEqual([messageIdFor(otp().key, from)]);
    expect(smtp().received[0]!.text).toContain('482913');
    const sentAt = new Date(claimedAt.getTime() + 30_000);
    expect(await rows()).toMatchObject([{ status: 'sent', attempts: 2, sent_at: sentAt }]);
    endOfProcess!(new Error('killed'));
    await expect(deadPass).rejects.toThrow('the process is gone');
  });

  it('a live sender whose SMTP send outlasts the lease keeps its claim by the heartbeat', async () => {
    await enqueueMail(db(), otp(), now());
    const slow = gated(smtpOut());
    const pass = sender({ leaseMs: 30_000, heartbeatMs: 20 }, slow.transport).deliverDue();
    await vi.waitFor(() => expect(slow.waiting()).toBe(1));

    advance(45_000); // the send has taken longer than the lease
    await vi.waitFor(async () =>
      expect((await rows())[0]!.next_attempt_at).toEqual(new Date(now().getTime() + 30_000)),
    );
    expect(await sender().deliverDue()).toBe(0);

    slow.letGo();
    expect(await pass).toBe(1);
    advance(60 * 60_000);
    expect(await sender().deliverDue()).toBe(0);
    expect(received()).toEqual([messageIdFor(otp().key, from)]);
    expect(await rows()).toMatchObject([{ status: 'sent', attempts: 1 }]);
  });

  it('a sender that lost its claim sends nothing more of its batch and records what it sent', async () => {
    for (const key of ['a', 'b']) await enqueueMail(db(), otp(key), now());
    // A heartbeat that never comes in time: the sender is stalled, e.g. cut off from the database.
    const slow = gated(smtpOut());
    const pass = sender({ heartbeatMs: 60 * 60_000 }, slow.transport).deliverDue();
    await vi.waitFor(() => expect(slow.waiting()).toBe(1));

    advance(30_000);
    const down: MailTransport = {
      send: (message: TransportMessage) =>
        Promise.reject(new Error(`SMTP down for ${message.messageId}`)),
    };
    expect(await sender({}, down).deliverDue()).toBe(0); // takes both over, fails both
    expect((await rows()).map((row) => [row.key, row.status, row.attempts])).toEqual([
      ['a', 'pending', 2],
      ['b', 'pending', 2],
    ]);

    slow.letGo();
    expect(await pass).toBe(1); // a, already in the hands of the SMTP server; not b
    expect(received()).toEqual([messageIdFor('a', from)]);
    expect(logger.warn).toHaveBeenCalledWith(
      { mailKey: 'b' },
      'Mail claim lost to another sender: not sent',
    );

    advance(60 * 60_000);
    expect(await sender().deliverDue()).toBe(1);
    expect(received()).toEqual([messageIdFor('a', from), messageIdFor('b', from)]);
    expect((await rows()).map((row) => [row.key, row.status])).toEqual([
      ['a', 'sent'],
      ['b', 'sent'],
    ]);
  });
});
