import type { Kysely } from 'kysely';
import { contractDecider, contractStreamId } from '../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import { effectiveLimits } from '../../domain/declarations/contractLimits.js';
import { declarationOf } from '../../domain/declarations/declarationState.js';
import { campaignOf } from '../../projections/campaigns/campaigns.js';
import type { Schema } from '../db/schema.js';
import { storeDocument } from '../documents/documentStore.js';
import { handleCommand, readState, type CommandContext } from '../eventStore/commandHandler.js';
import type { EventStore, GlobalPosition, RecordedEvent } from '../eventStore/eventStore.js';
import type { ProcessManager } from '../projections/projection.js';
import { copyOfRecordInput } from './copyOfRecordInput.js';
import { renderCopyOfRecord } from './pdf/copyOfRecord.js';
import { assignProtocolNumber } from './protocolRegister.js';

export interface SubmissionDeps {
  readonly store: EventStore;
  readonly db: Kysely<Schema>;
  readonly utilityName: string;
}

type Submitted = Extract<ContractEvent, { type: 'DeclarationSubmitted' }>;

/** The same submission asked for by the route and by the process manager runs once per process. */
const inFlight = new Map<string, Promise<GlobalPosition | null>>();

/**
 * After DeclarationSubmitted: the next number of the year's register, the copy of record rendered
 * once and stored, then DeclarationProtocolled (which mails the receipt). The route calls it to show
 * the number at once; the process manager calls it again after a crash. Every step is idempotent.
 */
export function completeSubmission(
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

async function protocol(
  deps: SubmissionDeps,
  submission: RecordedEvent,
): Promise<GlobalPosition | null> {
  const { data } = submission as unknown as Submitted;
  const contractNumber = submission.streamId.slice('contract-'.length);
  const streamId = contractStreamId(contractNumber);
  const { state } = await readState(deps.store, contractDecider, streamId);
  if (declarationOf(state.declarations, data.year).submitted?.protocolNumber) return null;
  const context: CommandContext = {
    commandId: `${submission.metadata.eventId}:protocol`,
    correlationId: submission.metadata.correlationId,
    actor: { id: 'system', role: 'system' },
    clientIp: null,
    now: new Date(data.receivedAt),
  };
  const protocolNumber = await assignProtocolNumber(
    deps.store,
    { year: data.year, contractNumber, submissionEventId: submission.metadata.eventId },
    context,
  );
  const campaign = await campaignOf(deps.db, data.year);
  const pdf = await renderCopyOfRecord(
    copyOfRecordInput(data, {
      mode: 'record',
      protocolNumber,
      receivedAt: data.receivedAt,
      utilityName: deps.utilityName,
      signatory: data.signatory,
      deadline: data.deadline,
      late: data.late,
      limits: effectiveLimits(campaign?.settings.limits ?? [], data.contractLimits ?? []),
    }),
  );
  const stored = await storeDocument(deps.db, pdf, 'application/pdf', context.now);
  const result = await handleCommand(
    deps.store,
    contractDecider,
    streamId,
    {
      type: 'ProtocolDeclaration',
      year: data.year,
      protocolNumber,
      copyOfRecord: { sha256: stored.sha256, size: stored.size },
    },
    context,
  );
  return result.position;
}

/** Finishes any submission left without its protocol (a crash between the two steps). */
export function declarationProtocols(deps: SubmissionDeps): ProcessManager {
  return {
    name: 'declaration_protocols',
    async handle(events) {
      for (const event of events) {
        if (event.type === 'DeclarationSubmitted' && event.streamId.startsWith('contract-')) {
          await completeSubmission(deps, event);
        }
      }
    },
  };
}
