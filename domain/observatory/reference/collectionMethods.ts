/** How a fraction was collected, as filed on each row of a monthly flow. */

export const COLLECTION_METHODS = [
  'porta-a-porta',
  'stradale',
  'centro-di-raccolta',
  'su-chiamata',
  'altro',
] as const;

export type CollectionMethod = (typeof COLLECTION_METHODS)[number];

const LABELS: Readonly<Record<CollectionMethod, string>> = {
  'porta-a-porta': 'Porta a porta',
  stradale: 'Contenitori stradali',
  'centro-di-raccolta': 'Centro di raccolta',
  'su-chiamata': 'Ritiro su chiamata',
  altro: 'Altro',
};

/** The methods with their Italian labels, in the order a form shows them. */
export const collectionMethods: readonly {
  readonly code: CollectionMethod;
  readonly label: string;
}[] = COLLECTION_METHODS.map((code) => ({ code, label: LABELS[code] }));

export function isCollectionMethod(value: string): value is CollectionMethod {
  return (COLLECTION_METHODS as readonly string[]).includes(value);
}

/** The Italian label of a method; undefined if the value is not one. */
export function collectionMethodLabel(value: string): string | undefined {
  return isCollectionMethod(value) ? LABELS[value] : undefined;
}
