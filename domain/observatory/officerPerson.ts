import { streamCodec } from '../shared/streamCodec.js';

/**
 * History only: `observatory-person-<fiscal code>` kept, until a person could serve several
 * municipalities, the one municipality a fiscal code was claimed for. No command writes it any
 * more; its events stay in the log, and the auditors' pages replay them with this fold.
 */
export type OfficerPersonEvent =
  | {
      type: 'OfficerPersonClaimed';
      data: {
        fiscalCode: string;
        istatCode: string;
        /** The municipality stream's version when the claim was made. */
        municipalityVersion: number;
        claimedBy: string;
        claimedAt: string;
      };
    }
  | {
      type: 'OfficerPersonReleased';
      data: { fiscalCode: string; istatCode: string; releasedBy: string; reason: string };
    };

export interface OfficerPersonState {
  readonly claim: { readonly istatCode: string; readonly claimedAt: string } | null;
}

export const officerPersonStream = streamCodec<[fiscalCode: string], OfficerPersonEvent>(
  'observatory-person-',
  (fiscalCode) => fiscalCode,
);

/** The claim as the log left it, for the auditors' state as of an event. */
export const officerPersonHistory = {
  initialState: (): OfficerPersonState => ({ claim: null }),
  evolve: (state: OfficerPersonState, event: OfficerPersonEvent): OfficerPersonState =>
    event.type === 'OfficerPersonClaimed'
      ? { claim: { istatCode: event.data.istatCode, claimedAt: event.data.claimedAt } }
      : state.claim?.istatCode === event.data.istatCode
        ? { claim: null }
        : state,
};
