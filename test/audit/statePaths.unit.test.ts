import { describe, expect, it } from 'vitest';
import { noNames, type AuditNames } from '../../src/audit/auditNames.js';
import { pathView } from '../../src/audit/statePaths.js';

describe('a path of the state’s diff, as a person reads it', () => {
  it('names each field in Italian, a list’s item by its number, a year by itself', () => {
    expect(pathView('managerId', noNames)).toEqual({
      label: 'Gestore',
      field: 'managerId',
      parent: undefined,
    });
    expect(pathView('companies[0].name', noNames).label).toBe('Ditte › n. 1 › Ragione sociale');
    expect(pathView('declarations.2025.submitted.protocolNumber', noNames).label).toBe(
      'Dichiarazioni per anno › 2025 › Versione inviata › Numero di protocollo',
    );
    expect(pathView('', noNames).label).toBe('(tutto lo stato)');
  });

  it('names an account that is a key by its name, and keeps the field its value is of', () => {
    const names: AuditNames = {
      name: (kind, id) =>
        kind === 'account' && id === 'a-1'
          ? { label: 'Studio Gianni Rossi', href: null, id }
          : undefined,
    };
    expect(pathView('byAccount.a-1[0].filename', names)).toEqual({
      label: 'File in preparazione per account › Studio Gianni Rossi › n. 1 › Nome del file',
      field: 'filename',
      parent: undefined,
    });
    expect(pathView('formerManagerIds[1]', names)).toMatchObject({
      label: 'Gestori precedenti › n. 2',
      field: 'formerManagerIds',
    });
  });
});
