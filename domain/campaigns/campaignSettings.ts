/**
 * A yearly campaign's figures. Tariff rates, pollutant shares and limits change per area and per
 * year (reference/domain.md marks most of them "to verify"), so they are data of the campaign,
 * never constants of the code.
 */

/** The reminders of a campaign opened without any: 30 and 7 days before the deadline. */
export const defaultReminderDays: readonly number[] = [30, 7];

/** A pollutant in the variable part of the tariff (ARERA TICSI): share of Td and reference mg/l. */
export interface TariffPollutant {
  readonly parameter: string;
  readonly share: number;
  readonly referenceConcentration: number;
}

export interface TariffSettings {
  /** €/m³ */
  readonly tf: number;
  /** €/m³ */
  readonly td: number;
  /** €/g */
  readonly tdCap: number;
  readonly pollutants: readonly TariffPollutant[];
}

/** A parameter of the analyses with its sewer limit (Tabella 3, scarico in rete fognaria). */
export interface ParameterLimit {
  readonly parameter: string;
  readonly label: string;
  readonly unit: string;
  /** Upper limit, null when only a range applies (pH). */
  readonly max: number | null;
  readonly min: number | null;
}

export interface CampaignSettings {
  readonly year: number;
  /** ISO date (YYYY-MM-DD), last day for an on-time submission. */
  readonly deadline: string;
  readonly templateVersion: string;
  readonly tariff: TariffSettings;
  readonly limits: readonly ParameterLimit[];
  /** Withdrawn − deductions may differ from the discharged volume by this share (0.05 = 5%). */
  readonly volumeTolerance: number;
  /** A discharged volume this share away from last year's is a warning (0.5 = ±50%). */
  readonly yearOnYearTolerance: number;
  /**
   * Days before the deadline a reminder goes to each declarant still missing; absent in campaigns
   * opened before reminders existed, which follow defaultReminderDays.
   */
  readonly reminderDays?: readonly number[];
}
