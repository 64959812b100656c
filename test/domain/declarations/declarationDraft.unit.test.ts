import { describe, expect, it } from 'vitest';
import {
  declarationDraftDecider,
  draftFilesOf,
  maxAttachments,
  sameFiles,
  type DraftEvent,
  type UploadDeclarationFiles,
} from '../../../domain/declarations/declarationDraft.js';
import type { DeclarationFile, FileSlot } from '../../../domain/declarations/declarationEvents.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(declarationDraftDecider);
const file = (slot: FileSlot, n: number, description: string | null = null): DeclarationFile => ({
  slot,
  filename: `${slot}-${n}.pdf`,
  contentType: 'application/pdf',
  size: 100 + n,
  sha256: String(n).padStart(64, '0'),
  description,
});
const where = { contractNumber: '3001234567', year: 2025, accountId: 'ditta-1' };
const uploaded = (f: DeclarationFile, accountId = 'ditta-1'): DraftEvent => ({
  type: 'DeclarationFileUploaded',
  data: { ...where, accountId, file: f },
});
const removed = (f: DeclarationFile, reason: 'rimosso' | 'sostituito'): DraftEvent => ({
  type: 'DeclarationFileRemoved',
  data: { ...where, slot: f.slot, sha256: f.sha256, filename: f.filename, reason },
});
const upload = (
  add: DeclarationFile[],
  remove: string[] = [],
  accountId = 'ditta-1',
): UploadDeclarationFiles => ({
  type: 'UploadDeclarationFiles',
  role: 'amministratore' as const,
  ...where,
  accountId,
  mayFile: true,
  remove,
  add,
});

describe('UploadDeclarationFiles', () => {
  it('keeps each accepted file, one event each', () =>
    spec
      .given([])
      .when(upload([file('dichiarazione', 1), file('analisi', 2)]))
      .then([uploaded(file('dichiarazione', 1)), uploaded(file('analisi', 2))]));

  it('replaces the file of a slot, saying so', () =>
    spec
      .given([uploaded(file('dichiarazione', 1))])
      .when(upload([file('dichiarazione', 3)]))
      .then([removed(file('dichiarazione', 1), 'sostituito'), uploaded(file('dichiarazione', 3))]));

  it('changes nothing when the same file comes again (a double click)', () => {
    spec
      .given([uploaded(file('dichiarazione', 1))])
      .when(upload([file('dichiarazione', 1)]))
      .then([]);
    spec
      .given([uploaded(file('allegato', 4))])
      .when(upload([file('allegato', 4)]))
      .then([]);
  });

  it('adds attachments up, each with its description', () =>
    spec
      .given([uploaded(file('allegato', 4, 'Planimetria'))])
      .when(upload([file('allegato', 5, 'Foto dei contatori')]))
      .then([uploaded(file('allegato', 5, 'Foto dei contatori'))]));

  it('takes out a slot by its name and an attachment by its SHA-256', () =>
    spec
      .given([uploaded(file('checklist', 1)), uploaded(file('allegato', 4))])
      .when(upload([], ['checklist', file('allegato', 4).sha256, 'analisi']))
      .then([removed(file('checklist', 1), 'rimosso'), removed(file('allegato', 4), 'rimosso')]));

  it(`takes at most ${maxAttachments} attachments`, () => {
    const full = Array.from({ length: maxAttachments }, (_, n) => uploaded(file('allegato', n)));
    spec
      .given(full)
      .when(upload([file('allegato', 99)]))
      .thenThrows('TooManyAttachments', 'allegati');
    spec
      .given(full)
      .when(upload([file('allegato', 99)], [file('allegato', 0).sha256]))
      .then([removed(file('allegato', 0), 'rimosso'), uploaded(file('allegato', 99))]);
  });

  it('refuses whoever does not manage the contract', () =>
    spec
      .given([])
      .when({ ...upload([file('dichiarazione', 1)]), mayFile: false })
      .thenThrows('NotManager'));

  it('gives each account its own workspace: after a hand-over the new manager starts empty', () => {
    const state = fold(declarationDraftDecider, [
      uploaded(file('dichiarazione', 1), 'studio-1'),
      uploaded(file('analisi', 2)),
    ]);
    expect(draftFilesOf(state, 'studio-1')).toEqual([file('dichiarazione', 1)]);
    expect(draftFilesOf(state, 'ditta-1')).toEqual([file('analisi', 2)]);
    expect(draftFilesOf(state, 'someone-else')).toEqual([]);
  });
});

describe('a prepared draft', () => {
  it('stands while the draft holds the same files, in any order', () => {
    const files = [file('dichiarazione', 1), file('allegato', 2, 'Foto')];
    expect(sameFiles(files, [...files].reverse())).toBe(true);
    expect(sameFiles(files, [file('dichiarazione', 1)])).toBe(false);
    expect(sameFiles(files, [file('dichiarazione', 1), file('allegato', 2, 'Altro')])).toBe(false);
  });
});
