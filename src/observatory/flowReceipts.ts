import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import {
  municipalityStream,
  officerDecider,
} from '../../domain/observatory/municipalityOfficer.js';
import { readState } from '../platform/eventStore/commandHandler.js';
import { monthLabel } from '../../domain/observatory/months.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { awaitInclusionReceipt } from '../audit/inclusionReceipt.js';
import { receiptFile } from '../platform/transparency/publishedJson.js';
import type { HeadSigningDeps } from '../audit/treeHeadSigning.js';
import { mailContent } from '../platform/mail/mailContent.js';
import { enqueueMail } from '../platform/mail/outbox.js';
import type { ProcessManager } from '../platform/subscriptions/projection.js';
import { formatRomeDateTime } from '../declarations/pdf/italianFormat.js';

export interface FlowReceiptDeps extends HeadSigningDeps {
  readonly publicUrl: () => string;
}

/**
 * Submissions older than this get no receipt: a deployment that gains receipts does not mail
 * every month ever filed, and an outage shorter than this loses none.
 */
const receiptWindowMs = 7 * 24 * 3_600_000;

/**
 * The receipt of each month sent: to the municipality's address, the version and time of
 * receipt, with the evidence (JSON) that MonthlyFlowSubmitted is in a signed head of the log.
 * A process manager: the receipt may have to sign a head, which a projection's transaction
 * cannot wait for. The outbox key makes a replay queue nothing.
 */
export function flowReceipts(deps: FlowReceiptDeps): ProcessManager {
  return {
    name: 'flow_receipts',
    follows: (event) => event.type === 'MonthlyFlowSubmitted' && flowStream.holds(event),
    async handle(events, stopping) {
      for (const event of events) {
        if (!flowStream.holds(event) || event.type !== 'MonthlyFlowSubmitted') continue;
        const { data } = event;
        if (deps.clock().getTime() - Date.parse(data.submittedAt) > receiptWindowMs) continue;
        // From the municipality's own stream, not a read model this loop may be ahead of.
        const { state: officer } = await readState(
          deps.store,
          officerDecider,
          municipalityStream.id(data.istatCode),
        );
        if (!officer.email) continue;
        const receipt = await awaitInclusionReceipt(deps, event, stopping);
        const month = monthLabel(data.month);
        const name = municipalityByIstat(data.istatCode)?.name ?? `ISTAT ${data.istatCode}`;
        const content = mailContent(`flussi di ${month} ricevuti`, [
          'Gentile referente,',
          `i flussi dei rifiuti urbani di ${month} del Comune di ${name} sono stati ricevuti il ${formatRomeDateTime(data.submittedAt)} (ora italiana), versione ${data.version}, ${data.rows.length} righe. Il mese ora è bloccato: per correggerlo chiedi lo sblocco dalla pagina del mese.`,
          `In allegato la ricevuta del registro degli eventi (file JSON): conservala. Con la chiave pubblica del portale chiunque può verificare che l’invio è iscritto nel registro e che il registro non è stato riscritto: ${deps.publicUrl()}/trasparenza`,
          `${deps.publicUrl()}/osservatorio/comune/${data.month}`,
        ]);
        await enqueueMail(
          deps.db,
          {
            key: `${event.metadata.eventId}:receipt`,
            to: officer.email,
            ...content,
            attachments: [
              receiptFile(
                receipt,
                `ricevuta-registro-${data.istatCode}-${data.month}-v${data.version}.json`,
              ),
            ],
          },
          deps.clock(),
        );
      }
    },
  };
}
