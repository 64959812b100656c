import { randomUUID } from 'node:crypto';
import { demoOfficerBari } from './src/dev/demoIdentities.js';
import { browserLoggedInAs } from './test/support/identityLogin.js';
import { monthToFile } from './test/support/observatoryJourney.js';
const url = process.argv[2]!;
const browser = await browserLoggedInAs(url, demoOfficerBari);
const { month } = monthToFile(new Date());
const page = `/osservatorio/comune/${month}`;
await browser.get(page);
await new Promise((r) => setTimeout(r, 21000));
const t0 = performance.now();
for (let i = 0; i < 100; i++) {
  const answer = await browser.post(page, { commandId: randomUUID(), azione: 'bozza', 'righe[0][eerCode]': '200301', 'righe[0][tonnellate]': '812,4', 'righe[0][modalita]': 'porta-a-porta', 'righe[0][trasportatore]': 'Igiene Srl', 'righe[0][impianto]': 'TMB Bari', 'righe[0][operazione]': 'D8' });
  if (answer.status !== 303) throw new Error(String(answer.status));
}
console.log('100 saves', ((performance.now() - t0) / 100).toFixed(1), 'ms each');
