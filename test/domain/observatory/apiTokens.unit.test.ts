import { describe, expect, it } from 'vitest';
import {
  activeKey,
  apiTokensDecider,
  maxActiveApiTokens,
  type ApiTokenCommand,
  type ApiTokenEvent,
} from '../../../domain/observatory/apiTokens.js';
import { rowIssues } from '../../../domain/observatory/fileMonthlyFlow.js';
import type { FlowRow } from '../../../domain/observatory/flowEvents.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const spec = deciderSpec(apiTokensDecider);
const by = 'cf:RSSMRA80A01A662A';
const hash = (n: number) => n.toString(16).padStart(64, '0');
const keyId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const issue = (n: number, name = `Gestionale ${n}`): ApiTokenCommand => ({
  type: 'IssueApiToken',
  istatCode: '072006',
  keyId: keyId(n),
  name,
  secretHash: hash(n),
  by,
});
const issued = (n: number, name = `Gestionale ${n}`): ApiTokenEvent => ({
  type: 'ApiTokenIssued',
  data: { istatCode: '072006', keyId: keyId(n), name, secretHash: hash(n), issuedBy: by },
});
const revoke = (n: number): ApiTokenCommand => ({
  type: 'RevokeApiToken',
  istatCode: '072006',
  keyId: keyId(n),
  by,
});
const revoked = (n: number): ApiTokenEvent => ({
  type: 'ApiTokenRevoked',
  data: { istatCode: '072006', keyId: keyId(n), name: `Gestionale ${n}`, revokedBy: by },
});

describe('API tokens of a municipality', () => {
  it('issues a token under a name, keeping only the hash of its secret', () => {
    spec
      .given([])
      .when(issue(1, '  Gestionale 1 '))
      .then([issued(1)]);
  });

  it('asks for a name', () => {
    spec.given([]).when(issue(1, '   ')).thenThrows('ApiTokenNameRequired', 'nome');
  });

  it('refuses a second active token with the same name, not one of a revoked token', () => {
    spec
      .given([issued(1, 'Gestionale')])
      .when(issue(2, 'gestionale'))
      .thenThrows('ApiTokenNameTaken');
    spec
      .given([issued(1, 'Gestionale'), revoked(1)])
      .when(issue(2, 'Gestionale'))
      .then([issued(2, 'Gestionale')]);
  });

  it(`holds at most ${maxActiveApiTokens} active tokens`, () => {
    const ten = Array.from({ length: maxActiveApiTokens }, (_, i) => issued(i + 1));
    spec.given(ten).when(issue(99)).thenThrows('ApiTokenLimit');
    spec
      .given([...ten, revoked(3)])
      .when(issue(99))
      .then([issued(99)]);
  });

  it('revokes a token once, naming it in the event; an unknown one is not found', () => {
    spec
      .given([issued(1)])
      .when(revoke(1))
      .then([revoked(1)]);
    spec
      .given([issued(1), revoked(1)])
      .when(revoke(1))
      .thenThrows('ApiTokenAlreadyRevoked');
    spec
      .given([issued(1)])
      .when(revoke(2))
      .thenThrows('ApiTokenUnknown');
  });

  it('lets in only an active token’s hash', () => {
    const state = fold(apiTokensDecider, [issued(1), issued(2), revoked(1)]);
    expect(activeKey(state, hash(1))).toBeUndefined();
    expect(activeKey(state, hash(2))?.keyId).toBe(keyId(2));
    expect(activeKey(state, hash(3))).toBeUndefined();
  });
});

describe('the rules of a month’s rows, all of them at once', () => {
  const row = (tonnes: number, transporter = 'Igiene Srl'): FlowRow => ({
    eerCode: '200301',
    tonnes,
    collectionMethod: 'porta-a-porta',
    transporter,
    destinationPlant: 'TMB Bari',
    operation: 'D8',
  });

  it('lists every quantity out of range, then every repeated row with the row it repeats', () => {
    const rows = [row(5), row(0, 'A'), row(200_000, 'B'), row(3, 'igiene srl'), row(2, 'a')];
    expect(rowIssues(rows).map(({ index, code, repeats }) => ({ index, code, repeats }))).toEqual([
      { index: 1, code: 'QuantityOutOfRange', repeats: undefined },
      { index: 2, code: 'QuantityOutOfRange', repeats: undefined },
      { index: 3, code: 'DuplicateRow', repeats: 0 },
      { index: 4, code: 'DuplicateRow', repeats: 1 },
    ]);
  });
});
