import type { FlowRow } from '../../domain/observatory/flowEvents.js';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import { daysLate, dueDate, fundingThresholdDays } from '../../domain/observatory/months.js';
import type { Municipality } from '../../domain/observatory/reference/municipalities.js';
import type { Person } from './auditLogPeople.js';
import type { Random } from './auditLogRandom.js';
import { flowRows } from './auditLogWasteRows.js';
import { days, hours, minutes, monthStart, type Timeline } from './auditLogTimeline.js';

/** A person who signs in with SPID or CIE: a municipality's officer or a regional admin. */
export interface Identity {
  readonly person: Person;
  readonly fiscalCode: string;
  readonly email: string;
  readonly ip: string;
  readonly issuer: string;
  readonly sessions: Set<number>;
}

export interface Town {
  readonly municipality: Municipality;
  readonly scale: number;
  officer: Identity;
}

/** The SPID/CIE actor of what an officer or an admin does. */
export const actor = (who: Identity) => ({ id: `cf:${who.fiscalCode}`, role: 'digital-identity' });

/** What filing a month needs from the observatory: its calendar, dice, admins and logins. */
export interface FlowContext {
  readonly timeline: Timeline;
  readonly random: Random;
  readonly admins: readonly Identity[];
  visit(who: Identity, at: number): void;
}

/** Month `month` is filed during `filingMonth`: drafts, the submission, sometimes an unlock. */
export function fileTown(ctx: FlowContext, town: Town, month: string, filingMonth: string): void {
  const { timeline, random } = ctx;
  const officer = town.officer;
  const stream = flowStream.id(town.municipality.istatCode, month);
  const { istatCode } = town.municipality;
  const officerId = `cf:${officer.fiscalCode}`;
  const lateness = random.weighted([
    [0, 82],
    [1, 12],
    [2, 6],
  ] as const);
  const dayOffset =
    lateness === 0 ? random.int(1, 14) : lateness === 1 ? random.int(15, 44) : random.int(45, 110);
  const submittedAt =
    monthStart(filingMonth) + dayOffset * days + 7 * hours + random.int(0, 600) * minutes;
  const rows = flowRows(random, town.scale, month);
  const drafts = random.geometric(3.5, 12);
  const gap = random.int(3, 40) * hours;
  for (let i = 0; i < drafts; i++) {
    const at = submittedAt - (drafts - i) * gap;
    const partial = rows.slice(0, Math.max(1, Math.round((rows.length * (i + 1)) / (drafts + 1))));
    ctx.visit(officer, at - minutes);
    timeline.record(stream, at, timeline.command(actor(officer), officer.ip), [
      { type: 'FlowDraftSaved', data: { istatCode, month, rows: partial, savedBy: officerId } },
    ]);
  }
  submit(ctx, town, officer, stream, month, submittedAt, rows, 1);
  if (random.chance(0.06)) unlock(ctx, town, stream, month, submittedAt, rows);
}

function submit(
  ctx: FlowContext,
  town: Town,
  officer: Identity,
  stream: string,
  month: string,
  at: number,
  rows: FlowRow[],
  version: number,
) {
  const late = daysLate(month, new Date(at));
  ctx.visit(officer, at - 2 * minutes);
  ctx.timeline.record(stream, at, ctx.timeline.command(actor(officer), officer.ip), [
    {
      type: 'MonthlyFlowSubmitted',
      data: {
        istatCode: town.municipality.istatCode,
        month,
        version,
        rows,
        submittedBy: `cf:${officer.fiscalCode}`,
        submittedAt: new Date(at).toISOString(),
        dueDate: dueDate(month),
        daysLate: late,
        affectsFunding: version === 1 && late > fundingThresholdDays,
      },
    },
  ]);
}

/** An error found after filing: the officer asks, an admin unlocks (or not), a second version. */
function unlock(
  ctx: FlowContext,
  town: Town,
  stream: string,
  month: string,
  submittedAt: number,
  rows: FlowRow[],
) {
  const { timeline, random } = ctx;
  const officer = town.officer;
  const { istatCode } = town.municipality;
  const requestedAt = Math.max(
    submittedAt + 2 * days,
    monthStart(month) + random.int(35, 110) * days,
  );
  if (requestedAt > monthStart(month) + 118 * days) return;
  ctx.visit(officer, requestedAt - minutes);
  const reason = 'Errore di trascrizione nelle tonnellate di un codice EER: da correggere.';
  timeline.record(stream, requestedAt, timeline.command(actor(officer), officer.ip), [
    {
      type: 'FlowUnlockRequested',
      data: { istatCode, month, reason, requestedBy: `cf:${officer.fiscalCode}` },
    },
  ]);
  const admin = random.pick(ctx.admins);
  const decidedAt = requestedAt + random.int(1, 6) * days;
  ctx.visit(admin, decidedAt - minutes);
  const decision = timeline.command(actor(admin), admin.ip);
  const decidedBy = `cf:${admin.fiscalCode}`;
  if (random.chance(0.2)) {
    timeline.record(stream, decidedAt, decision, [
      {
        type: 'FlowUnlockRejected',
        data: { istatCode, month, decidedBy, reason: 'Motivazione non sufficiente.' },
      },
    ]);
    return;
  }
  timeline.record(stream, decidedAt, decision, [
    { type: 'MonthlyFlowUnlocked', data: { istatCode, month, decidedBy, note: null } },
  ]);
  const fixed = rows.map((row, i) =>
    i === 0 ? { ...row, tonnes: Math.round(row.tonnes * 1030) / 1000 } : row,
  );
  const savedAt = decidedAt + random.int(2, 48) * hours;
  ctx.visit(officer, savedAt - minutes);
  timeline.record(stream, savedAt, timeline.command(actor(officer), officer.ip), [
    {
      type: 'FlowDraftSaved',
      data: { istatCode, month, rows: fixed, savedBy: `cf:${officer.fiscalCode}` },
    },
  ]);
  submit(ctx, town, officer, stream, month, savedAt + random.int(5, 120) * minutes, fixed, 2);
}
