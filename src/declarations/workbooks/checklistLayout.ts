/** The risk-factor check-list: yes/no questions, one per row under the header. */

export const CHECKLIST_SHEET = 'Check-list';

export const checklistQuestions: readonly string[] = [
  "Nel ciclo produttivo si usano sostanze pericolose (Tabella 3/A o Tabella 5 dell'Allegato 5 alla Parte III del D.Lgs. 152/2006)?",
  'Lo scarico contiene, anche saltuariamente, sostanze pericolose?',
  'Prima dello scarico in fognatura è presente un impianto di pretrattamento o depurazione?',
  'Il pretrattamento ha un registro di manutenzione e di smaltimento dei fanghi aggiornato?',
  "Sono presenti scarichi di emergenza o by-pass dell'impianto di pretrattamento?",
  'I serbatoi e i depositi di sostanze liquide hanno bacini di contenimento adeguati?',
  'Esiste una procedura scritta per la gestione degli sversamenti accidentali?',
  'Nelle aree di stoccaggio o di carico ci sono caditoie collegate alla fognatura?',
  'Le acque di prima pioggia dei piazzali sono separate e trattate prima dello scarico?',
  'Lo scarico ha un pozzetto di campionamento accessibile al personale del gestore?',
  'Ci sono vasche di accumulo per scarichi discontinui o lavaggi periodici?',
  "Nell'anno si sono verificati sversamenti, guasti del pretrattamento o superamenti dei limiti?",
];

export const checklistColumns = {
  number: { letter: 'A', header: 'N.', width: 6 },
  question: { letter: 'B', header: 'Domanda', width: 80 },
  answer: { letter: 'C', header: 'Risposta (Sì/No)', width: 16 },
  notes: { letter: 'D', header: 'Note', width: 50 },
} as const;

/** Row of question n (1-based). */
export const questionRow = (n: number): number => n + 1;
