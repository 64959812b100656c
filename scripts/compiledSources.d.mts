/** The types of compiledSources.mjs, for the tests. */
export function compiledSources(
  root: string,
  options?: { readonly cache?: string; readonly onCompiling?: () => void },
): Promise<string>;
export function holdCompiled(folder: string): void;
