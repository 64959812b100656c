import type { Content } from 'pdfmake/interfaces.js';
import type { InclusionReceipt } from '../../../domain/audit/treeHeads.js';
import { formatRomeDateTime } from './italianFormat.js';
import { facts, heading } from './pdfBlocks.js';

/** The evidence a copy of record carries that its submission is in the portal's public log. */
export interface RegistryEntry {
  readonly receipt: InclusionReceipt;
  /** Where the public key and the proofs are: the portal's /trasparenza. */
  readonly transparencyUrl: string;
}

const mono = (text: string): Content => ({ text, style: 'mono', fontSize: 7 });

/**
 * «Iscrizione nel registro degli eventi»: the signed head that covers the protocolled
 * submission and the proof of its leaf, so the declarant can show, with the public key alone,
 * that the portal recorded it and never rewrote what came before.
 */
export function registrySection({ receipt, transparencyUrl }: RegistryEntry): Content[] {
  const { head } = receipt;
  return [
    {
      stack: [
        heading('Iscrizione nel registro degli eventi'),
        {
          text: `La protocollazione di questa dichiarazione è iscritta nel registro degli eventi del portale, un albero di Merkle (RFC 9162) la cui testa è firmata con una chiave tenuta fuori dalla banca dati. Con i dati qui sotto, o con il file JSON allegato alla mail di conferma, chiunque può verificare con la chiave pubblica (${transparencyUrl}) che l’evento è nel registro e che il registro non è stato riscritto.`,
          style: 'small',
          margin: [0, 0, 0, 4],
        },
        facts(undefined, [
          ['Evento', mono(receipt.eventId)],
          ['Posizione (foglia)', `${receipt.leaf} su ${head.size} eventi`],
          ['Hash della foglia', mono(receipt.leafHash)],
          ['Testa firmata il', `${formatRomeDateTime(head.signedAt)} (ora italiana)`],
          ['Registro', head.origin],
          ['Radice dell’albero', mono(head.root)],
          ['Firma Ed25519', mono(head.signature)],
          ['Prova di inclusione', receipt.proof.length > 0 ? mono(receipt.proof.join('\n')) : '—'],
        ]),
      ],
      unbreakable: true,
    },
  ];
}
