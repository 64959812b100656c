/**
 * Recovery (R1–R13, Allegato C) and disposal (D1–D15, Allegato B) operations of parte IV,
 * D.Lgs. 152/2006, with short Italian descriptions (the examples in brackets of the law left out).
 */

export const TREATMENT_OPERATION_CODES = [
  'R1',
  'R2',
  'R3',
  'R4',
  'R5',
  'R6',
  'R7',
  'R8',
  'R9',
  'R10',
  'R11',
  'R12',
  'R13',
  'D1',
  'D2',
  'D3',
  'D4',
  'D5',
  'D6',
  'D7',
  'D8',
  'D9',
  'D10',
  'D11',
  'D12',
  'D13',
  'D14',
  'D15',
] as const;

export type TreatmentOperationCode = (typeof TREATMENT_OPERATION_CODES)[number];

export interface TreatmentOperation {
  readonly code: TreatmentOperationCode;
  readonly kind: 'recovery' | 'disposal';
  readonly description: string;
}

const DESCRIPTIONS: Readonly<Record<TreatmentOperationCode, string>> = {
  R1: 'Utilizzazione principalmente come combustibile o come altro mezzo per produrre energia',
  R2: 'Rigenerazione/recupero dei solventi',
  R3: 'Riciclaggio/recupero delle sostanze organiche non utilizzate come solventi (compreso il compostaggio)',
  R4: 'Riciclaggio/recupero dei metalli e dei composti metallici',
  R5: 'Riciclaggio/recupero di altre sostanze inorganiche',
  R6: 'Rigenerazione degli acidi o delle basi',
  R7: "Recupero dei prodotti che servono a ridurre l'inquinamento",
  R8: 'Recupero dei prodotti provenienti dai catalizzatori',
  R9: 'Rigenerazione o altri reimpieghi degli oli',
  R10: "Trattamento in ambiente terrestre a beneficio dell'agricoltura o dell'ecologia",
  R11: 'Utilizzazione di rifiuti ottenuti da una delle operazioni da R1 a R10',
  R12: 'Scambio di rifiuti per sottoporli a una delle operazioni da R1 a R11',
  R13: 'Messa in riserva di rifiuti per sottoporli a una delle operazioni da R1 a R12',
  D1: 'Deposito sul o nel suolo (ad esempio discarica)',
  D2: 'Trattamento in ambiente terrestre',
  D3: 'Iniezioni in profondità',
  D4: 'Lagunaggio',
  D5: 'Messa in discarica specialmente allestita',
  D6: "Scarico dei rifiuti solidi nell'ambiente idrico eccetto l'immersione",
  D7: 'Immersione, compreso il seppellimento nel sottosuolo marino',
  D8: 'Trattamento biologico non specificato altrove, per lo smaltimento (da D1 a D12)',
  D9: 'Trattamento fisico-chimico non specificato altrove, per lo smaltimento (da D1 a D12)',
  D10: 'Incenerimento a terra',
  D11: 'Incenerimento in mare',
  D12: 'Deposito permanente',
  D13: 'Raggruppamento preliminare prima di una delle operazioni da D1 a D12',
  D14: 'Ricondizionamento preliminare prima di una delle operazioni da D1 a D13',
  D15: 'Deposito preliminare prima di una delle operazioni da D1 a D14',
};

/** R1–R13 then D1–D15. */
export const treatmentOperations: readonly TreatmentOperation[] = TREATMENT_OPERATION_CODES.map(
  (code) => ({
    code,
    kind: code.startsWith('R') ? 'recovery' : 'disposal',
    description: DESCRIPTIONS[code],
  }),
);

const byCode = new Map<string, TreatmentOperation>(
  treatmentOperations.map((operation) => [operation.code, operation]),
);

/** 'R13', 'r13', 'R 13' → the operation; undefined if it is not one of R1–R13, D1–D15. */
export function treatmentOperation(code: string): TreatmentOperation | undefined {
  return byCode.get(code.replace(/\s+/g, '').toUpperCase());
}

/**
 * Whether the operation recovers the waste (R1–R13). Storage before recovery (R13) counts: the
 * waste is bound for recovery. Anything that is not a known R code is not recovery.
 */
export function isRecovery(code: string): boolean {
  return treatmentOperation(code)?.kind === 'recovery';
}
