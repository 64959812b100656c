import type { YearMonth } from './months.js';

/**
 * The Region's word on a municipality's year: `observatory-year-<istat>-<yyyy>`. The year is
 * validated with the rate certified from the months as filed, or sent back with remarks naming
 * the months to correct (each then returned on its own stream, see returnMonthlyFlow.ts). A
 * send-back after a validation withdraws the certification, and says so.
 */
export type YearEvent =
  | {
      type: 'YearValidated';
      data: {
        istatCode: string;
        year: number;
        /** separate / (separate + unsorted) of the twelve months, between 0 and 1. */
        certifiedRate: number;
        /** The totals the rate comes from, in kilograms (exact sums). */
        separateKg: number;
        unsortedKg: number;
        neutralKg: number;
        /** The version of each month the figures were read from. */
        months: { month: YearMonth; version: number }[];
        validatedBy: string;
      };
    }
  | {
      type: 'YearSentBack';
      data: {
        istatCode: string;
        year: number;
        /** The months to correct and submit again, oldest first. */
        months: YearMonth[];
        remarks: string;
        sentBackBy: string;
        /** The certification this send-back withdraws; null when the year was not validated. */
        withdrawnCertification: { certifiedRate: number; validatedBy: string } | null;
      };
    };
