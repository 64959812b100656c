import { mustHold, type ByMember } from '../accounts/members.js';
import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import type { DeclarationFile, FileSlot } from './declarationEvents.js';
import { declarationError } from './declarationErrors.js';

/**
 * The files a declarant is putting together for one contract and year, kept as they arrive: every
 * file accepted as a file (size and type right) is in the draft, whatever the validation later
 * says of its content, so leaving the wizard or a mistake elsewhere in the form loses nothing.
 *
 * Its own stream, not the contract's: uploads come and go many times before AVANTI, and a file
 * added never races a hand-over. Each account has its own workspace, so after a hand-over the new
 * manager starts from its own files; what is validated and sent still lives in the contract stream
 * (DeclarationPrepared, DeclarationSubmitted), where the hand-over rules decide.
 */

export const declarationDraftStream = streamCodec<
  [contractNumber: string, year: number],
  DraftEvent
>('declaration-draft-', (contractNumber, year) => `${contractNumber}-${year}`);

/** Step 6 takes any number of files up to this, each with an optional description. */
export const maxAttachments = 20;

export type DraftEvent =
  | {
      type: 'DeclarationFileUploaded';
      data: { contractNumber: string; year: number; accountId: string; file: DeclarationFile };
    }
  | {
      type: 'DeclarationFileRemoved';
      data: {
        contractNumber: string;
        year: number;
        accountId: string;
        slot: FileSlot;
        sha256: string;
        filename: string;
        /** 'sostituito' when another file took its slot, 'rimosso' when the declarant took it out. */
        reason: 'rimosso' | 'sostituito';
      };
    };

export interface DraftState {
  readonly byAccount: Readonly<Record<string, readonly DeclarationFile[]>>;
}

export const draftFilesOf = (state: DraftState, accountId: string): readonly DeclarationFile[] =>
  state.byAccount[accountId] ?? [];

export interface UploadDeclarationFiles extends ByMember {
  readonly type: 'UploadDeclarationFiles';
  readonly accountId: string;
  readonly contractNumber: string;
  readonly year: number;
  /** Whether the account manages the contract now, as the route found it in the contract stream. */
  readonly mayFile: boolean;
  /** What to take out: a slot (steps 3 to 5) or an attachment's SHA-256. */
  readonly remove: readonly string[];
  /** Files already stored by their SHA-256, each accepted as a file. */
  readonly add: readonly DeclarationFile[];
}

const matches = (file: DeclarationFile, key: string) =>
  file.slot === 'allegato' ? file.sha256 === key : file.slot === key;

function removal(
  command: UploadDeclarationFiles,
  file: DeclarationFile,
  reason: 'rimosso' | 'sostituito',
): DraftEvent {
  const { contractNumber, year, accountId } = command;
  return {
    type: 'DeclarationFileRemoved',
    data: {
      contractNumber,
      year,
      accountId,
      slot: file.slot,
      sha256: file.sha256,
      filename: file.filename,
      reason,
    },
  };
}

const sameFile = (a: DeclarationFile, b: DeclarationFile) =>
  a.sha256 === b.sha256 && a.filename === b.filename && a.description === b.description;

/** An upload replaces the file of its slot; attachments add up, the same bytes only once. */
function additions(command: UploadDeclarationFiles, files: readonly DeclarationFile[]) {
  const events: DraftEvent[] = [];
  let current = files;
  for (const file of command.add) {
    const taken =
      file.slot === 'allegato'
        ? current.find((f) => f.slot === 'allegato' && f.sha256 === file.sha256)
        : current.find((f) => f.slot === file.slot);
    if (taken && (file.slot === 'allegato' || sameFile(taken, file))) continue;
    if (taken) events.push(removal(command, taken, 'sostituito'));
    events.push({
      type: 'DeclarationFileUploaded',
      data: {
        contractNumber: command.contractNumber,
        year: command.year,
        accountId: command.accountId,
        file,
      },
    });
    current = [...current.filter((f) => f !== taken), file];
  }
  return { events, files: current };
}

/** Files into the draft and out of it: one event each, so the log says what came and went. */
export function uploadDeclarationFiles(
  command: UploadDeclarationFiles,
  state: DraftState,
): DraftEvent[] {
  mustHold(command.role, 'prepare');
  if (!command.mayFile) {
    throw declarationError(
      'NotManager',
      'forbidden',
      'Non gestisci più le dichiarazioni di questo contratto, oppure il contratto non è ancora stato convalidato dagli operatori.',
    );
  }
  const mine = draftFilesOf(state, command.accountId);
  const removed = mine.filter((file) => command.remove.some((key) => matches(file, key)));
  const added = additions(
    command,
    mine.filter((file) => !removed.includes(file)),
  );
  if (added.files.filter((file) => file.slot === 'allegato').length > maxAttachments) {
    throw declarationError(
      'TooManyAttachments',
      'validation',
      `Si possono allegare al massimo ${maxAttachments} file aggiuntivi: rimuovine qualcuno prima di aggiungerne altri.`,
      'allegati',
    );
  }
  return [...removed.map((file) => removal(command, file, 'rimosso')), ...added.events];
}

export function evolveDraft(state: DraftState, event: DraftEvent): DraftState {
  const { accountId } = event.data;
  const files = draftFilesOf(state, accountId);
  const next =
    event.type === 'DeclarationFileUploaded'
      ? [
          ...files.filter(
            (f) => event.data.file.slot === 'allegato' || f.slot !== event.data.file.slot,
          ),
          event.data.file,
        ]
      : files.filter((f) => !(f.slot === event.data.slot && f.sha256 === event.data.sha256));
  return { byAccount: { ...state.byAccount, [accountId]: next } };
}

export const declarationDraftDecider: Decider<DraftState, UploadDeclarationFiles, DraftEvent> = {
  initialState: () => ({ byAccount: {} }),
  evolve: evolveDraft,
  decide: uploadDeclarationFiles,
};

/** The prepared draft is what AVANTI validated: it still stands only if the files did not change. */
export function sameFiles(a: readonly DeclarationFile[], b: readonly DeclarationFile[]): boolean {
  const key = (files: readonly DeclarationFile[]) =>
    files
      .map((f) => `${f.slot}\u0000${f.sha256}\u0000${f.filename}\u0000${f.description ?? ''}`)
      .sort()
      .join('\u0001');
  return key(a) === key(b);
}
