/**
 * A gate through which at most `limit` calls run at once; the others wait their turn, first come
 * first served. For work whose memory grows with how many run together (a password hash takes
 * 19 MiB, a workbook in the making several): on a machine of few cores, more at once is no
 * faster, only larger.
 */
export function atMost(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    // A place is handed on by the call leaving it, so `running` counts the places taken.
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
