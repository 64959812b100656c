import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import { sendYearBack, type SendYearBack } from './sendYearBack.js';
import { validateYear, type ValidateYear } from './validateYear.js';
import type { YearEvent } from './yearEvents.js';
import { evolveYear, initialYearState, type YearValidationState } from './yearValidation.js';

export type YearCommand = ValidateYear | SendYearBack;

export const yearStream = streamCodec<[istatCode: string, year: number], YearEvent>(
  'observatory-year-',
  (istatCode, year) => `${istatCode}-${year}`,
);

export const yearValidationDecider: Decider<YearValidationState, YearCommand, YearEvent> = {
  initialState: initialYearState,
  evolve: evolveYear,
  decide(command, state) {
    switch (command.type) {
      case 'ValidateYear':
        return validateYear(command, state);
      case 'SendYearBack':
        return sendYearBack(command, state);
    }
  },
};
