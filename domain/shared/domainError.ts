/** What kind of refusal: the error handler turns it into 422, 403, 404 or 409. */
export type DomainErrorKind = 'validation' | 'forbidden' | 'not-found' | 'conflict';

/**
 * A rule said no. `code` is a string from the area's union (e.g. 'ContractNotValidated'),
 * `message` is the Italian sentence shown to the person, `field` the form field it belongs to.
 */
export class DomainError<Code extends string = string> extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: Code,
    readonly kind: DomainErrorKind,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
