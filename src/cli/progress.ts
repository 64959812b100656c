/** A progress line on stderr: a bar when the total is known, the rate always. */
export function progressReporter(label: string, total: number | null, stream = process.stderr) {
  const started = performance.now();
  let lastDraw = 0;
  const rate = (done: number) =>
    Math.round(done / Math.max((performance.now() - started) / 1000, 1e-3));
  const format = (n: number) => n.toLocaleString('it-IT');

  function line(done: number): string {
    const speed = `${format(rate(done))} eventi/s`;
    if (!total) return `${label}: ${format(done)} eventi · ${speed}`;
    const share = Math.min(done / total, 1);
    const bar = '█'.repeat(Math.round(share * 30)).padEnd(30, '░');
    // No pace yet (under one event a second so far, rounded to 0): no time left to tell.
    const left =
      done < total && rate(done) > 0 ? ` · ${timeLeft((total - done) / rate(done))}` : '';
    return `${label} ${bar} ${Math.floor(share * 100)}% ${format(done)}/${format(total)} · ${speed}${left}`;
  }

  return {
    update(done: number): void {
      const now = performance.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      if (stream.isTTY) stream.write(`\r${line(done)}`);
    },
    /** Ends the line and returns the elapsed seconds and the rate. */
    finish(done: number): { seconds: number; perSecond: number } {
      stream.write(`${stream.isTTY ? '\r' : ''}${line(done)}\n`);
      return { seconds: (performance.now() - started) / 1000, perSecond: rate(done) };
    },
  };
}

/** «ancora 2 min 5 s», «ancora 40 s». */
function timeLeft(seconds: number): string {
  const whole = Math.ceil(seconds);
  const minutes = Math.floor(whole / 60);
  return `ancora ${minutes > 0 ? `${minutes} min ` : ''}${whole % 60} s`;
}
