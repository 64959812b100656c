import type { FastifyRequest } from 'fastify';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import {
  declarationDraftDecider,
  declarationDraftStream,
  draftFilesOf,
  maxAttachments,
  sameFiles,
} from '../../domain/declarations/declarationDraft.js';
import type { DeclarationFile } from '../../domain/declarations/declarationEvents.js';
import { declarationOf } from '../../domain/declarations/declarationState.js';
import { actingOf, commandContext } from '../accounts/auth.js';
import type { DeclarationsDeps } from '../deps.js';
import { storeDocument } from '../platform/documents/documentStore.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { contentTypeOf } from './contentType.js';
import type { DeclarationTarget } from './declarationAccess.js';
import type { OpenedUpload } from './workbooks/index.js';
import type { ChosenFile, UploadForm } from './uploadForm.js';

/** The files this account keeps in the draft of the target's contract and year. */
export async function draftFiles(
  deps: Pick<DeclarationsDeps, 'eventStore'>,
  target: DeclarationTarget,
  accountId: string,
): Promise<readonly DeclarationFile[]> {
  const streamId = declarationDraftStream.id(target.contractNumber, target.year);
  // Reads the stream: no read model keeps drafts, and saveDraftFiles decides on these files.
  const { state } = await readState(deps.eventStore, declarationDraftDecider, streamId);
  return draftFilesOf(state, accountId);
}

/** What AVANTI validated (DeclarationPrepared), while the draft still holds exactly those files. */
export function preparedDraft(
  target: DeclarationTarget,
  accountId: string,
  files: readonly DeclarationFile[],
) {
  const draft = declarationOf(target.state.declarations, target.year).draft;
  return draft?.preparedBy === accountId && sameFiles(draft.files, files) ? draft : null;
}

const roomFull = (names: readonly string[]) =>
  `Sono già stati caricati ${maxAttachments} allegati, il massimo: ${names.length === 1 ? 'non è stato aggiunto' : 'non sono stati aggiunti'} ${names.join(', ')}.`;

/**
 * Keeps every chosen file (each acceptable as a file: readUploadForm checked it), and takes out
 * the ticked ones, in one command: DeclarationFileUploaded / DeclarationFileRemoved. The workbooks
 * kept come back opened, by SHA-256, so that AVANTI does not parse them again.
 */
export async function saveDraftFiles(
  deps: Pick<DeclarationsDeps, 'eventStore' | 'database' | 'clock'>,
  request: FastifyRequest,
  target: DeclarationTarget,
  form: Pick<UploadForm, 'chosen' | 'remove'>,
): Promise<{
  files: readonly DeclarationFile[];
  refused: FieldErrors;
  opened: ReadonlyMap<string, OpenedUpload>;
}> {
  const { organisationId } = actingOf(request);
  const before = await draftFiles(deps, target, organisationId);
  const refused: FieldErrors = {};
  const staying = before.filter((file) =>
    form.remove.every((key) => key !== (file.slot === 'allegato' ? file.sha256 : file.slot)),
  );
  let room = maxAttachments - staying.filter((file) => file.slot === 'allegato').length;
  const left: string[] = [];
  const fitting = form.chosen.filter((chosen) => {
    if (chosen.slot !== 'allegato' || room-- > 0) return true;
    left.push(chosen.upload.filename);
    return false;
  });
  if (left.length > 0) refused.allegati = roomFull(left);
  if (fitting.length === 0 && staying.length === before.length)
    return { files: before, refused, opened: new Map() };

  const now = deps.clock();
  const add = await Promise.all(fitting.map((chosen) => stored(deps, chosen, now)));
  const opened = new Map(
    fitting.flatMap((chosen, i) =>
      chosen.opened && add[i] ? [[add[i].sha256, chosen.opened] as const] : [],
    ),
  );
  const state = await changeDraft(deps, request, target, { remove: form.remove, add }, now);
  return { files: draftFilesOf(state, organisationId), refused, opened };
}

/** Files into the sender's draft and out of it, in one command (the route checked mayFile). */
async function changeDraft(
  deps: Pick<DeclarationsDeps, 'eventStore'>,
  request: FastifyRequest,
  target: DeclarationTarget,
  change: { remove: readonly string[]; add: readonly DeclarationFile[] },
  now: Date,
) {
  const { organisationId, role } = actingOf(request);
  const result = await handleCommand(
    deps.eventStore,
    declarationDraftDecider,
    declarationDraftStream.id(target.contractNumber, target.year),
    {
      type: 'UploadDeclarationFiles',
      accountId: organisationId,
      role,
      contractNumber: target.contractNumber,
      year: target.year,
      mayFile: true,
      ...change,
    },
    commandContext(request, now),
  );
  return result.state;
}

async function stored(
  deps: Pick<DeclarationsDeps, 'database'>,
  chosen: ChosenFile,
  now: Date,
): Promise<DeclarationFile> {
  const { upload } = chosen;
  const document = await storeDocument(
    deps.database.db,
    upload.content,
    contentTypeOf(upload),
    now,
  );
  return {
    slot: chosen.slot,
    filename: upload.filename,
    contentType: document.contentType,
    size: document.size,
    sha256: document.sha256,
    description: chosen.description,
  };
}

/**
 * A correction starts from what was filed: the filed version's files go back into the sender's
 * draft (stored already, by their SHA-256), and the draft's other files leave it. Running it
 * again changes nothing.
 */
export async function prefillCorrection(
  deps: Pick<DeclarationsDeps, 'eventStore' | 'clock'>,
  request: FastifyRequest,
  target: DeclarationTarget,
): Promise<void> {
  const filed = target.events
    .filter(contractStream.holds)
    .findLast((event) => event.type === 'DeclarationSubmitted' && event.data.year === target.year);
  if (filed?.type !== 'DeclarationSubmitted') return;
  const current = await draftFiles(deps, target, actingOf(request).organisationId);
  const kept = new Set(filed.data.files.map((file) => file.sha256));
  // A slot the filed version fills is replaced by the upload; the others are taken out.
  const filledSlots = new Set(filed.data.files.map((file) => file.slot));
  const remove = current
    .filter(
      (file) => !kept.has(file.sha256) && (file.slot === 'allegato' || !filledSlots.has(file.slot)),
    )
    .map((file) => (file.slot === 'allegato' ? file.sha256 : file.slot));
  await changeDraft(deps, request, target, { remove, add: filed.data.files }, deps.clock());
}
