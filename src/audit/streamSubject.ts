import type { AuditNames, NamedReference } from './auditNames.js';
import type { ReferenceKind } from './fieldValues.js';
import { streamKindOf } from './streamKinds.js';

/** The field that names each kind of thing, as the events call it (fieldLabels.ts). */
const fieldOf: Record<ReferenceKind, string> = {
  account: 'accountId',
  person: 'fiscalCode',
  company: 'customerCode',
  contract: 'contractNumber',
  declaration: 'protocolNumber',
  municipality: 'istatCode',
};

/** What a stream is about, from its id: the kind of thing and its id; null for the others. */
function subject(streamId: string): { kind: ReferenceKind; id: string } | null {
  const kind = streamKindOf(streamId);
  const rest = kind.exact ? '' : streamId.slice(kind.prefix.length);
  if (!rest) return null;
  switch (kind.kind) {
    case 'account':
    case 'signin':
      return { kind: 'account', id: rest };
    case 'contract':
    case 'discharge-limits':
      return { kind: 'contract', id: rest };
    // "declaration-draft-<contract>-<year>", "waste-flow-<istat>-<month>"
    case 'declaration-draft':
      return { kind: 'contract', id: rest.replace(/-\d{4}$/, '') };
    case 'municipality':
      return { kind: 'municipality', id: rest };
    case 'waste-flow':
      return { kind: 'municipality', id: rest.slice(0, 6) };
    case 'observatory-person':
    case 'digital-identity':
      return { kind: 'person', id: rest };
    default:
      return null;
  }
}

/** The stream's subject as a value whose names lookUpNames finds ({} for none). */
export function streamSubjectOf(streamId: string): Record<string, string> {
  const found = subject(streamId);
  return found ? { [fieldOf[found.kind]]: found.id } : {};
}

/** The stream's subject by its name, when the read models know it. */
export function subjectOf(streamId: string, names: AuditNames): NamedReference | null {
  const found = subject(streamId);
  return (found && names.name(found.kind, found.id)) ?? null;
}
