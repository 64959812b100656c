import { domainLabels } from '../../domain/observatory/institutionalEmail.js';
import {
  observatoryAdminsDecider,
  observatoryAdminsStream,
} from '../../domain/observatory/observatoryAdmins.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { isValidCodiceFiscale } from '../../domain/shared/italianIdentifiers.js';
import {
  handleCommand,
  type CommandContext,
} from '../../src/platform/eventStore/commandHandler.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import { demoObservatoryAdmin, demoOfficerBari } from '../../src/dev/demoIdentities.js';
import {
  municipalityStream,
  officerDecider,
} from '../../domain/observatory/municipalityOfficer.js';
import {
  listenOnFreePort,
  type BrowserResponse,
  type HttpBrowser,
} from '../support/identityLogin.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import type { Backend } from '../support/testDatabase.js';

/** A command context of the command line (no one logged in, no address). */
export const systemContext = (now: Date, actor = 'system'): CommandContext => ({
  commandId: crypto.randomUUID(),
  correlationId: 'test',
  actor: { id: actor, role: 'system' },
  clientIp: null,
  now,
});

/** A valid fiscal code made from 15 characters, with the check character that fits them. */
export function fiscalCode(first15: string): string {
  for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    if (isValidCodiceFiscale(first15 + letter)) return first15 + letter;
  }
  throw new Error(`No check character for ${first15}`);
}

/** An address on the municipality's own domain: ambiente@comune.<name>.it. */
export const officeEmail = (istatCode: string, box = 'ambiente'): string =>
  `${box}@comune.${domainLabels(municipalityByIstat(istatCode)!.name)[0]}.it`;

/** The demo admin of the local SPID/CIE stand-in, granted as the command line would. */
export const grantDemoAdmin = (store: EventStore, now: Date) =>
  handleCommand(
    store,
    observatoryAdminsDecider,
    observatoryAdminsStream.id(),
    { type: 'GrantObservatoryAdmin', fiscalCode: demoObservatoryAdmin.fiscalCode, by: 'cli' },
    systemContext(now),
  );

/** The demo officer of Bari as the municipality's user, associated as the command line would. */
export const assignDemoOfficerBari = (store: EventStore, now: Date) =>
  handleCommand(
    store,
    officerDecider,
    municipalityStream.id('072006'),
    {
      type: 'AssignOfficer',
      istatCode: '072006',
      fiscalCode: demoOfficerBari.fiscalCode,
      email: 'ambiente@comune.bari.it',
      reason: 'Richiesta del comune, nota di prova',
      adminId: 'cli',
      institutionalDomains: ['comune.*.it'],
    },
    systemContext(now),
  );

/** The portal on `backend` at the clock `now`, listening, with the demo admin and Bari's user. */
export async function startObservatoryApp(
  backend: Backend,
  now: () => Date,
): Promise<{ ctx: TestApp; baseUrl: string }> {
  const ctx = await startTestApp({ backend, now });
  const baseUrl = await listenOnFreePort(ctx.app);
  await grantDemoAdmin(ctx.store, now());
  await assignDemoOfficerBari(ctx.store, now());
  return { ctx, baseUrl };
}

/**
 * Posts a form as JSON, with the browser's cookies and the CSRF token of `page`: a lone surrogate
 * reaches the server only this way (a urlencoded body turns it into U+FFFD on the way).
 */
export async function postJson(
  browser: HttpBrowser,
  page: BrowserResponse,
  url: string,
  fields: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const cookie = ['dichiara-session', 'dichiara-csrf']
    .map((name) => `${name}=${browser.cookie(name) ?? ''}`)
    .join('; ');
  const response = await fetch(browser.absolute(url), {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': token },
    body: JSON.stringify({ _csrf: token, ...fields }),
    redirect: 'manual',
  });
  return { status: response.status, body: await response.text() };
}

/** A row of glass the flow forms accept as it is. */
export const glassRow = {
  eerCode: '150107',
  tonnellate: '300',
  modalita: 'stradale',
  trasportatore: 'Igiene Srl',
  impianto: 'Piattaforma vetro',
  operazione: 'R5',
};

/** The same row of glass as a command carries it. */
export const glassFlowRow = {
  eerCode: '150107',
  tonnes: 300,
  collectionMethod: 'stradale',
  transporter: 'Igiene Srl',
  destinationPlant: 'Piattaforma vetro',
  operation: 'R5',
} as const;

/** One row of the monthly flow form, by the field names the page posts. */
export const firstRowFields = (values: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [`righe[0][${key}]`, value]));
