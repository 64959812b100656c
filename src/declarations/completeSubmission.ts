import type { Kysely } from 'kysely';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import { fold } from '../../domain/shared/decider.js';
import { effectiveLimits } from '../../domain/campaigns/contractLimits.js';
import { declarationOf } from '../../domain/declarations/declarationState.js';
import { campaignOf } from '../../projections/campaigns/campaigns.js';
import type { Schema } from '../platform/db/schema.js';
import { storeDocument } from '../platform/documents/documentStore.js';
import {
  handleCommand,
  readState,
  type CommandContext,
} from '../platform/eventStore/commandHandler.js';
import type {
  EventStore,
  GlobalPosition,
  Recorded,
  RecordedEvent,
} from '../platform/eventStore/eventStore.js';
import type { ProcessManager } from '../platform/subscriptions/projection.js';
import { copyOfRecordInput } from './copyOfRecordInput.js';
import { renderCopyOfRecordOffThread } from './pdf/copyOfRecordThread.js';
import { assignProtocolNumber } from './protocolRegister.js';
import { awaitInclusionReceipt } from '../audit/inclusionReceipt.js';
import type { HeadSigningDeps } from '../audit/treeHeadSigning.js';

export interface SubmissionDeps {
  readonly store: EventStore;
  readonly db: Kysely<Schema>;
}

/** The copy of record also signs the log's tree when no head covers the submission yet. */
export interface CopyOfRecordDeps extends SubmissionDeps, HeadSigningDeps {
  readonly utilityName: string;
  readonly publicUrl: () => string;
}

type Submitted = Extract<ContractEvent, { type: 'DeclarationSubmitted' }>;

/** The same submission asked for by the route and by the process manager runs once per process. */
const inFlight = new Map<string, Promise<GlobalPosition | null>>();

/**
 * After DeclarationSubmitted: the next number of the year's register, recorded in the contract
 * (DeclarationProtocolled). The route calls it to show the number at once; the process manager
 * calls it again after a crash. Idempotent.
 */
export function protocolSubmission(
  deps: SubmissionDeps,
  submission: RecordedEvent,
): Promise<GlobalPosition | null> {
  const key = submission.metadata.eventId;
  const running = inFlight.get(key);
  if (running) return running;
  const work = protocol(deps, submission).finally(() => inFlight.delete(key));
  inFlight.set(key, work);
  return work;
}

const systemContext = (cause: RecordedEvent, step: string, now: Date): CommandContext => ({
  commandId: `${cause.metadata.eventId}:${step}`,
  correlationId: cause.metadata.correlationId,
  actor: { id: 'system', role: 'system' },
  clientIp: null,
  now,
});

async function protocol(
  deps: SubmissionDeps,
  submission: RecordedEvent,
): Promise<GlobalPosition | null> {
  if (!contractStream.holds(submission) || submission.type !== 'DeclarationSubmitted') return null;
  const { data } = submission;
  const contractNumber = contractStream.parse(submission.streamId)!;
  const streamId = submission.streamId;
  const { state } = await readState(deps.store, contractDecider, streamId);
  if (declarationOf(state.declarations, data.year).submitted?.protocolNumber) return null;
  const context = systemContext(submission, 'protocol', new Date(data.receivedAt));
  const protocolNumber = await assignProtocolNumber(
    deps.store,
    {
      year: data.year,
      contractNumber,
      submissionEventId: submission.metadata.eventId,
      submittedAt: submission.position,
    },
    context,
  );
  const result = await handleCommand(
    deps.store,
    contractDecider,
    streamId,
    { type: 'ProtocolDeclaration', year: data.year, protocolNumber },
    context,
  );
  return result.position;
}

/**
 * After DeclarationProtocolled: the copy of record rendered once, with the protocol number, the
 * time of receipt and the proof that DeclarationProtocolled is in a signed head of the log,
 * stored as rendered, then CopyOfRecordStored (which mails the receipt). Out of the request:
 * INVIA answers with the number, the copy follows. Rendering is deterministic and the head is the
 * first covering the event, so a copy made again after a crash is the same bytes.
 */
async function storeCopyOfRecord(
  deps: CopyOfRecordDeps,
  protocolled: RecordedEvent,
  stopping: AbortSignal,
): Promise<void> {
  if (!contractStream.holds(protocolled) || protocolled.type !== 'DeclarationProtocolled') return;
  const { year } = protocolled.data;
  const { events } = await deps.store.readStream(protocolled.streamId);
  const contract = events.filter(contractStream.holds);
  const submitted = declarationOf(fold(contractDecider, contract).declarations, year).submitted;
  if (!submitted?.protocolNumber || submitted.copyOfRecord) return;
  const submission = contract.findLast(
    (event): event is Recorded<Submitted> =>
      event.type === 'DeclarationSubmitted' && event.data.year === year,
  );
  if (!submission) return;
  const { data } = submission;
  const campaign = await campaignOf(deps.db, year);
  const receipt = await awaitInclusionReceipt(deps, protocolled, stopping);
  const pdf = await renderCopyOfRecordOffThread(
    copyOfRecordInput(data, {
      mode: 'record',
      protocolNumber: submitted.protocolNumber,
      receivedAt: data.receivedAt,
      utilityName: deps.utilityName,
      signatory: data.signatory,
      deadline: data.deadline,
      late: data.late,
      limits: effectiveLimits(campaign?.settings.limits ?? [], data.contractLimits ?? []),
      tariff: campaign?.settings.tariff ?? null,
      certification: data.certification ?? null,
      corrects: data.corrects ?? null,
      registry: { receipt, transparencyUrl: `${deps.publicUrl()}/trasparenza` },
    }),
  );
  const context = systemContext(protocolled, 'copy', new Date(data.receivedAt));
  const stored = await storeDocument(deps.db, pdf, 'application/pdf', context.now);
  await handleCommand(
    deps.store,
    contractDecider,
    protocolled.streamId,
    {
      type: 'StoreCopyOfRecord',
      year,
      protocolNumber: submitted.protocolNumber,
      copyOfRecord: { sha256: stored.sha256, size: stored.size },
      receipt,
    },
    context,
  );
}

/** Numbers the submissions and makes their copies of record, also after a crash. */
export function declarationProtocols(deps: CopyOfRecordDeps): ProcessManager {
  return {
    name: 'declaration_protocols',
    follows: (event) =>
      (event.type === 'DeclarationSubmitted' || event.type === 'DeclarationProtocolled') &&
      contractStream.holds(event),
    async handle(events, stopping) {
      for (const event of events) {
        if (!contractStream.holds(event)) continue;
        if (event.type === 'DeclarationSubmitted') await protocolSubmission(deps, event);
        if (event.type === 'DeclarationProtocolled') await storeCopyOfRecord(deps, event, stopping);
      }
    },
  };
}
