/** The types of compiledSources.mjs, for the tests and the benchmarks. */
export function compiledSourcesCache(root: string, env?: NodeJS.ProcessEnv): string;
export function compiledSources(
  root: string,
  options?: { readonly cache?: string; readonly onCompiling?: () => void },
): Promise<string>;
export function holdCompiled(folder: string): void;
