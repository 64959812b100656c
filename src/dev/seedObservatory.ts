import { randomUUID } from 'node:crypto';
import type { FlowRow } from '../../domain/observatory/flowEvents.js';
import { flowStream, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import { addMonths, monthOf, romeDay, type YearMonth } from '../../domain/observatory/months.js';
import {
  observatoryAdminsDecider,
  observatoryAdminsStream,
} from '../../domain/observatory/observatoryAdmins.js';
import type { Config } from '../config.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import {
  demoCollectorDelegate,
  demoObservatoryAdmin,
  demoOfficerBari,
  demoOfficerLecce,
  demoOfficerTwoMunicipalities,
} from './demoIdentities.js';
import { municipalityCommand } from '../observatory/municipalityCommand.js';

const row = (
  eerCode: string,
  tonnes: number,
  operation: string,
  destinationPlant: string,
  collectionMethod = 'porta-a-porta',
): FlowRow => ({
  eerCode,
  tonnes,
  collectionMethod,
  transporter: 'Igiene Urbana Demo S.p.A.',
  destinationPlant,
  operation,
});

/** A plausible month of a city: from about 58% separate collection in January, rising. */
const monthRows = (scale: number, index: number): FlowRow[] => {
  // Separate collection improves through the year, as it does where door-to-door is extended.
  const t = (value: number, trend = 0) =>
    Math.round(value * scale * (1 + trend * index) * 1000) / 1000;
  return [
    row('200301', t(4200, -0.025), 'D8', 'Impianto TMB di area vasta'),
    row('200108', t(3100, 0.02), 'R3', 'Impianto di compostaggio'),
    row('200101', t(1200, 0.01), 'R3', 'Piattaforma carta e cartone'),
    row('150106', t(900, 0.015), 'R3', 'Centro di selezione multimateriale'),
    row('150107', t(600), 'R5', 'Piattaforma vetro', 'stradale'),
    row('200307', t(150), 'R13', 'Centro di raccolta comunale', 'centro-di-raccolta'),
  ];
};

const at = (month: YearMonth, day: number) =>
  new Date(`${addMonths(month, 1)}-${String(day).padStart(2, '0')}T09:30:00Z`);

/**
 * The observatory's demo: an admin, the officers of Bari and Lecce (the local SPID/CIE stand-in's
 * identities), and this year's months of both, filed through the same commands officers use.
 * Bari filed May late and has not filed last month yet, and delegates this year's filing to a
 * person of its collector; a third person is the user of Altamura and Gravina in Puglia.
 */
export async function seedObservatory(
  { store }: { store: EventStore },
  config: Config,
  now: Date,
): Promise<void> {
  const system = (commandId: string, when: Date, actorId = 'system'): CommandContext => ({
    commandId,
    correlationId: randomUUID(),
    actor: { id: actorId, role: actorId === 'system' ? 'system' : 'municipality-officer' },
    clientIp: null,
    now: when,
  });
  await handleCommand(
    store,
    observatoryAdminsDecider,
    observatoryAdminsStream.id(),
    { type: 'GrantObservatoryAdmin', fiscalCode: demoObservatoryAdmin.fiscalCode, by: 'system' },
    system(randomUUID(), now),
  );
  const cities = [
    { istatCode: '072006', officer: demoOfficerBari, scale: 1, skipLast: true, from: 0 },
    // Lecce filed last year too: its year is there for the Region to validate.
    { istatCode: '075035', officer: demoOfficerLecce, scale: 0.28, skipLast: false, from: -1 },
  ];
  const current = monthOf(now);
  for (const city of cities) {
    await municipalityCommand(
      store,
      {
        type: 'AssignOfficer',
        istatCode: city.istatCode,
        fiscalCode: city.officer.fiscalCode,
        email: city.officer.email,
        reason: 'Utente dimostrativo del comune',
        adminId: 'system',
        institutionalDomains: config.OBSERVATORY_EMAIL_DOMAINS,
      },
      system(randomUUID(), now),
    );
    const officerId = `cf:${city.officer.fiscalCode}`;
    for (
      let month = `${Number(current.slice(0, 4)) + city.from}-01`, index = 0;
      month < current;
      month = addMonths(month, 1), index++
    ) {
      if (city.skipLast && month === addMonths(current, -1)) break;
      const when = at(month, month.endsWith('-05') && city.skipLast ? 20 : 10);
      if (when > now) break;
      await handleCommand(
        store,
        monthlyFlowDecider,
        flowStream.id(city.istatCode, month),
        {
          type: 'SubmitMonthlyFlow',
          istatCode: city.istatCode,
          month,
          officerId,
          rows: monthRows(city.scale, index),
          now: when,
        },
        system(randomUUID(), when, officerId),
      );
    }
  }
  for (const istatCode of ['072004', '072023']) {
    await municipalityCommand(
      store,
      {
        type: 'AssignOfficer',
        istatCode,
        fiscalCode: demoOfficerTwoMunicipalities.fiscalCode,
        email: `ambiente@comune.${istatCode === '072004' ? 'altamura' : 'gravinainpuglia'}.ba.it`,
        reason: 'Utente dimostrativo incaricato da più comuni',
        adminId: 'system',
        institutionalDomains: config.OBSERVATORY_EMAIL_DOMAINS,
      },
      system(randomUUID(), now),
    );
  }
  const year = monthOf(now).slice(0, 4);
  await municipalityCommand(
    store,
    {
      type: 'DelegateFiling',
      istatCode: '072006',
      delegationId: randomUUID(),
      byFiscalCode: demoOfficerBari.fiscalCode,
      fiscalCode: demoCollectorDelegate.fiscalCode,
      email: demoCollectorDelegate.email,
      collector: 'Igiene Urbana Bari S.p.A.',
      fromMonth: `${year}-01`,
      toMonth: `${year}-12`,
      today: romeDay(now),
    },
    system(randomUUID(), now, `cf:${demoOfficerBari.fiscalCode}`),
  );
}
