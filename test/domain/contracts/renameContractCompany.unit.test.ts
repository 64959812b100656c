import { describe, it } from 'vitest';
import { contractDecider } from '../../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../../domain/contracts/contractEvents.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(contractDecider);
const declared: ContractEvent = {
  type: 'ContractDeclared',
  data: {
    contractNumber: '3001234567',
    customerCode: '1001234567',
    companyName: 'Test SRL',
    plant: { street: 'Via Vai', civic: '1', cap: '40100', municipality: 'Bologna', province: 'BO' },
    declaredBy: { accountId: 'ditta-1', kind: 'ditta' },
  },
};
const validated: ContractEvent = { type: 'ContractValidated', data: { note: null } };
const rename = (companyName: string, customerCode = '1001234567') => ({
  type: 'RenameContractCompany' as const,
  customerCode,
  companyName,
});

describe('RenameContractCompany', () => {
  it('takes the company’s validated Ragione sociale, naming the one it replaces', () =>
    spec
      .given([declared, validated])
      .when(rename('Test Due SRL'))
      .then([
        {
          type: 'ContractCompanyRenamed',
          data: { companyName: 'Test Due SRL', previousName: 'Test SRL' },
        },
      ]));

  it('changes nothing for the same name, or for another customer code', () => {
    spec.given([declared, validated]).when(rename('Test SRL')).then([]);
    spec.given([declared, validated]).when(rename('Altra SRL', '9999999999')).then([]);
  });

  it('is refused on a contract that does not exist', () =>
    spec.given([]).when(rename('Test Due SRL')).thenThrows('ContractUnknown'));
});
