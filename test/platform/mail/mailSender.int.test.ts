import { describe, expect, it, vi } from 'vitest';
import type { MailTransport } from '../../../src/platform/mail/mailTransport.js';
import { enqueueMail, messageIdFor, type OutgoingMail } from '../../../src/platform/mail/outbox.js';
import { backends } from '../../support/testDatabase.js';
import { from, mailSenderHarness } from './mailSenderHarness.js';

const receipt = (key = 'declaration-submitted:evt-1'): OutgoingMail => ({
  key,
  to: 'ditta@example.com',
  subject: 'Ricevuta della dichiarazione 2025/000123',
  text: 'La dichiarazione è stata protocollata.',
  html: '<p>La dichiarazione è stata <strong>protocollata</strong>.</p>',
  attachments: [
    { filename: 'ricevuta.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.7') },
  ],
});

describe.each(backends())('%s: mail sender', (backend) => {
  const { db, smtp, startSmtp, now, advance, sender, rows, logger } = mailSenderHarness(backend);
  const outboxRow = () => db().selectFrom('mail_outbox').selectAll().executeTakeFirstOrThrow();

  it('delivers a queued mail once, with text, html, attachment and a stable Message-ID', async () => {
    await enqueueMail(db(), receipt(), now());
    expect(await sender().deliverDue()).toBe(1);
    expect(await sender().deliverDue()).toBe(0);

    expect(smtp().received).toHaveLength(1);
    const mail = smtp().received[0]!;
    expect(mail.subject).toBe('Ricevuta della dichiarazione 2025/000123');
    expect(mail.text?.trim()).toBe('La dichiarazione è stata protocollata.');
    expect(mail.html).toContain('<strong>protocollata</strong>');
    expect(mail.from?.text).toBe('"Dichiara" <noreply@dichiara.test>');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['ricevuta.pdf', 'application/pdf', '%PDF-1.7'],
    ]);
    expect(mail.messageId).toBe(messageIdFor('declaration-submitted:evt-1', from));
    expect(await outboxRow()).toMatchObject({ status: 'sent', attempts: 1, sent_at: now() });
  });

  it('queues a mail once however often its cause is replayed', async () => {
    await enqueueMail(db(), receipt(), now());
    await enqueueMail(db(), { ...receipt(), subject: 'Replayed' }, now());
    expect(await sender().deliverDue()).toBe(1);
    expect(await sender().deliverDue()).toBe(0);
    expect(smtp().received.map((mail) => mail.subject)).toEqual([
      'Ricevuta della dichiarazione 2025/000123',
    ]);
  });

  it('queues nothing when the transaction of the cause rolls back', async () => {
    const rollback = db()
      .transaction()
      .execute(async (trx) => {
        await enqueueMail(trx, receipt(), now());
        throw new Error('checkpoint moved');
      });
    await expect(rollback).rejects.toThrow('checkpoint moved');
    expect(await sender().deliverDue()).toBe(0);
    expect(smtp().received).toHaveLength(0);
  });

  it('two senders side by side never send a mail twice', async () => {
    const keys = Array.from({ length: 15 }, (_, n) => `bulk-${n}`);
    for (const key of keys) await enqueueMail(db(), receipt(key), now());
    const [a, b] = [sender(), sender()];
    const passes = await Promise.all([a.deliverDue(), b.deliverDue(), a.deliverDue()]);
    expect(passes.reduce((sum, n) => sum + n, 0)).toBe(15);
    expect(
      smtp()
        .received.map((mail) => mail.messageId)
        .sort(),
    ).toEqual(keys.map((key) => messageIdFor(key, from)).sort());
  });

  it('retries with backoff while SMTP is down, then delivers exactly once', async () => {
    const { port } = smtp();
    await smtp().close();
    await enqueueMail(db(), receipt(), now());
    const mailSender = sender();

    expect(await mailSender.deliverDue()).toBe(0);
    const first = await outboxRow();
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(first.next_attempt_at).toEqual(new Date(now().getTime() + 1_000));

    expect(await mailSender.deliverDue()).toBe(0); // not due yet
    expect((await outboxRow()).attempts).toBe(1);
    advance(1_000);
    expect(await mailSender.deliverDue()).toBe(0);
    expect(await outboxRow()).toMatchObject({ status: 'pending', attempts: 2 });
    expect((await outboxRow()).next_attempt_at).toEqual(new Date(now().getTime() + 2_000));
    expect(logger.warn).toHaveBeenCalledTimes(2);

    await startSmtp(port);
    advance(2_000);
    expect(await mailSender.deliverDue()).toBe(1);
    advance(60 * 60_000);
    expect(await mailSender.deliverDue()).toBe(0);
    expect(smtp().received).toHaveLength(1);
    expect(smtp().received[0]!.messageId).toBe(messageIdFor(receipt().key, from));
    expect(await outboxRow()).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('gives up after the maximum number of attempts', async () => {
    await smtp().close();
    await enqueueMail(db(), receipt(), now());
    const mailSender = sender({ maxAttempts: 3 });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await mailSender.deliverDue();
      advance(60 * 60_000);
    }
    expect(await outboxRow()).toMatchObject({ status: 'failed', attempts: 3 });
    expect(logger.error).toHaveBeenCalledTimes(1);
    await startSmtp();
  });

  it('caps the backoff', async () => {
    await smtp().close();
    await enqueueMail(db(), receipt(), now());
    const mailSender = sender({ baseDelayMs: 1_000, maxDelayMs: 3_000 });
    for (let attempt = 0; attempt < 4; attempt += 1) {
      advance(60_000);
      await mailSender.deliverDue();
    }
    expect((await outboxRow()).next_attempt_at).toEqual(new Date(now().getTime() + 3_000));
    await startSmtp();
  });

  it('running, wakes on NOTIFY rather than waiting for the next poll', async () => {
    const mailSender = sender({ pollIntervalMs: 60_000, clock: () => new Date() });
    await mailSender.start();
    await new Promise((resolve) => setTimeout(resolve, 300)); // past its first, empty pass
    await enqueueMail(db(), receipt(), new Date());
    await vi.waitFor(() => expect(smtp().received).toHaveLength(1), { timeout: 10_000 });
    await mailSender.stop();
    expect(await outboxRow()).toMatchObject({ status: 'sent' });
  });

  it('on stop, finishes the message in flight and puts the rest of its batch back', async () => {
    for (const key of ['a', 'b', 'c']) await enqueueMail(db(), receipt(key), now());
    let release: (() => void) | null = null;
    const sent: string[] = [];
    const slow: MailTransport = {
      send: (message) =>
        new Promise<void>((resolve) => {
          release = () => resolve(void sent.push(message.messageId));
        }),
    };
    const mailSender = sender({ pollIntervalMs: 60_000 }, slow);
    await mailSender.start();
    await vi.waitFor(() => expect(release).not.toBeNull());
    expect((await rows()).map((row) => row.attempts)).toEqual([1, 1, 1]);
    const stopped = mailSender.stop();
    release!();
    await stopped;
    expect(sent).toEqual([messageIdFor('a', from)]);
    expect((await rows()).map((row) => [row.key, row.status, row.attempts])).toEqual([
      ['a', 'sent', 1],
      ['b', 'pending', 0],
      ['c', 'pending', 0],
    ]);
    expect(await sender().deliverDue()).toBe(2); // due again at once
  });
});
