import { compact } from '../platform/http/forms.js';

/** The registration form's values as the template renders them: always at least one block. */
export interface ContractValues {
  contractNumber?: string;
  street?: string;
  civic?: string;
  cap?: string;
  province?: string;
  municipality?: string;
}
export interface CompanyValues {
  name?: string;
  taxId?: string;
  phone?: string;
  email?: string;
  pec?: string;
  customerCode?: string;
  contracts: ContractValues[];
}
export interface RegistrationValues {
  [field: string]: unknown;
  companies: CompanyValues[];
}

export function shapeValues(nested: Record<string, unknown>): RegistrationValues {
  const companies = compact(nested.companies as (Record<string, unknown> | undefined)[]).map(
    (company): CompanyValues => ({
      ...(company as Omit<CompanyValues, 'contracts'>),
      contracts: compact(company.contracts as (ContractValues | undefined)[]),
    }),
  );
  if (companies.length === 0) companies.push({ contracts: [] });
  for (const company of companies) if (company.contracts.length === 0) company.contracts.push({});
  return { ...nested, companies };
}

/**
 * "+ Aggiungi ditta", "+ Aggiungi contratto" and the remove buttons are submit buttons named
 * _action: they work without JavaScript, and htmx sends the same request to swap the form.
 */
export function applyFormAction(values: RegistrationValues, action: string): RegistrationValues {
  const [verb, first, second] = action.split(':');
  const i = Number(first);
  const j = Number(second);
  const companies = values.companies.map((company) => ({
    ...company,
    contracts: [...company.contracts],
  }));
  if (verb === 'add-company') companies.push({ contracts: [{}] });
  if (verb === 'remove-company' && companies.length > 1) companies.splice(i, 1);
  if (verb === 'add-contract') companies[i]?.contracts.push({});
  if (verb === 'remove-contract' && (companies[i]?.contracts.length ?? 0) > 1)
    companies[i]!.contracts.splice(j, 1);
  return { ...values, companies };
}
