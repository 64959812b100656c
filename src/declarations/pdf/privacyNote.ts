import type { Content } from 'pdfmake/interfaces.js';
import { section } from './pdfBlocks.js';
import { fixedDocumentDate, pageFooter, renderPdf } from './pdfRenderer.js';

export interface PrivacyNoteInput {
  readonly year: number;
  readonly utilityName: string;
}

const paragraph = (title: string, body: Content): Content[] =>
  section(title, [typeof body === 'string' ? { text: body, margin: [0, 0, 0, 2] } : body]);

function sections({ year, utilityName }: PrivacyNoteInput): Content[] {
  return [
    ...paragraph(
      '1. Titolare del trattamento',
      `Titolare del trattamento è il gestore del servizio idrico integrato, ${utilityName}, che riceve le dichiarazioni annuali degli scarichi industriali attraverso questo portale.`,
    ),
    ...paragraph(
      '2. Dati trattati',
      'Dati identificativi e di contatto di chi presenta la dichiarazione (nome, nome utente, indirizzo e-mail), dati della ditta (ragione sociale, partita IVA o codice fiscale, codice cliente, contratto di scarico, insediamento), l’eventuale documento d’identità del legale rappresentante, i dati tecnici dichiarati (prelievi, letture, detrazioni, volumi, analisi) e i dati di accesso e di utilizzo del portale.',
    ),
    ...paragraph('3. Finalità e base giuridica', {
      ul: [
        'Ricevere ed esaminare la dichiarazione annuale degli scarichi industriali prevista dall’art. 165 D.Lgs. 152/2006 e svolgere i controlli sullo scarico: adempimento di un obbligo di legge (art. 6, par. 1, lett. c, del Regolamento).',
        'Determinare e fatturare la tariffa di fognatura e depurazione dei reflui industriali (art. 155 D.Lgs. 152/2006; ARERA, deliberazione 665/2017/R/idr, Allegato A — TICSI): obbligo di legge ed esecuzione del contratto di scarico (art. 6, par. 1, lett. b e c).',
        'Inviare ricevute e comunicazioni sul contratto all’indirizzo di notifica indicato: esecuzione del contratto (art. 6, par. 1, lett. b).',
        'Proteggere il portale e conservare la prova di ciò che è stato inviato e quando: legittimo interesse del titolare (art. 6, par. 1, lett. f).',
      ],
    }),
    ...paragraph(
      '4. Natura del conferimento',
      'Il conferimento dei dati è necessario per presentare la dichiarazione: senza di essi la dichiarazione non può essere ricevuta e la tariffa è determinata secondo le regole del contratto e del TICSI.',
    ),
    ...paragraph(
      '5. Modalità e destinatari',
      'I dati sono trattati con strumenti informatici e misure di sicurezza adeguate (art. 32 del Regolamento) dal personale autorizzato del titolare e dai fornitori che gestiscono il portale, nominati responsabili del trattamento (art. 28). Possono essere comunicati, quando la legge lo prevede, all’Ente di governo d’ambito, all’agenzia regionale per la protezione dell’ambiente, alle autorità competenti per i controlli e all’autorità giudiziaria. I dati non sono trasferiti fuori dall’Unione europea e non sono oggetto di decisioni basate unicamente su un trattamento automatizzato: i controlli automatici sui file segnalano errori, la valutazione resta agli operatori.',
    ),
    ...paragraph(
      '6. Conservazione',
      `Le dichiarazioni, la copia conforme e gli allegati, compresa la dichiarazione dell’anno ${year}, sono conservati per dieci anni dalla presentazione, salvo termini più lunghi richiesti da un procedimento in corso; i dati dell’utenza finché l’utenza è attiva e, dopo la sua chiusura, finché restano collegati a dichiarazioni conservate.`,
    ),
    ...paragraph(
      '7. Diritti dell’interessato',
      'L’interessato può chiedere l’accesso ai dati, la rettifica, la cancellazione nei limiti degli obblighi di conservazione, la limitazione del trattamento e, per il trattamento basato sul legittimo interesse, opporsi (artt. 15-21 del Regolamento). Può proporre reclamo al Garante per la protezione dei dati personali (art. 77; www.garanteprivacy.it).',
    ),
    ...paragraph(
      '8. Contatti',
      `Per esercitare i diritti o chiedere informazioni scrivere a ${utilityName} e al suo responsabile della protezione dei dati, ai recapiti pubblicati nella sezione privacy del sito del gestore, indicando «Dichiarazione scarichi industriali ${year}».`,
    ),
  ];
}

/** "Informativa sul trattamento dei dati personali" (art. 13 Regolamento UE 2016/679). */
export async function renderPrivacyNote(input: PrivacyNoteInput): Promise<Buffer> {
  const title = 'Informativa sul trattamento dei dati personali';
  return renderPdf(
    {
      content: [
        { text: title, style: 'title' },
        {
          text: `ai sensi dell’art. 13 del Regolamento (UE) 2016/679 — Dichiarazione annuale degli scarichi industriali, anno ${input.year}`,
          style: 'subtitle',
        },
        ...sections(input),
      ],
      footer: pageFooter(`Informativa privacy · ${input.utilityName} · anno ${input.year}`),
    },
    { title, subject: `Anno ${input.year}`, date: fixedDocumentDate },
  );
}
