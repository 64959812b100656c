import { streamCodec } from '../shared/streamCodec.js';
/** "2026/000123": the year's register and the position in it, as the utility's protocol prints it. */
export const formatProtocolNumber = (year: number, number: number): string =>
  `${year}/${String(number).padStart(6, '0')}`;

export const protocolRegisterStream = streamCodec<[year: number], ProtocolNumberAssigned>(
  'protocol-register-',
  String,
);

/** The register's only event: its version is the number, so numbers are never shared or skipped. */
export interface ProtocolNumberAssigned {
  readonly type: 'ProtocolNumberAssigned';
  readonly data: {
    readonly year: number;
    readonly number: number;
    readonly protocolNumber: string;
    readonly contractNumber: string;
    /** The DeclarationSubmitted event this number protocols. */
    readonly submissionEventId: string;
  };
}
