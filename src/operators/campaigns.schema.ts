import { z } from 'zod';

const decimal = (label: string) =>
  z
    .string({ error: `${label}: inserire un numero.` })
    .trim()
    .regex(/^\d+([.,]\d+)?$/, `${label}: inserire un numero.`)
    .transform((text) => Number(text.replace(',', '.')))
    .refine((value) => value > 0, `${label}: deve essere maggiore di zero.`);

/** "Apri campagna": the year, the deadline and the area's rates; limits start from Tabella 3. */
export const openCampaignSchema = z.object({
  anno: z.coerce
    .number({ error: "Inserire l'anno di riferimento." })
    .int("Inserire l'anno di riferimento.")
    .min(2000, 'Anno non valido.')
    .max(2100, 'Anno non valido.'),
  scadenza: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Inserire la scadenza (gg/mm/aaaa).'),
  tf: decimal('Tf'),
  td: decimal('Td'),
  tdCap: decimal('Td_cap'),
  tolleranza: decimal('Tolleranza sui volumi').pipe(
    z.number().max(50, 'Tolleranza sui volumi: al massimo 50%.'),
  ),
});
