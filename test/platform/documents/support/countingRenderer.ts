/** Documents made on the render thread by the tests: each says how many were being made with it. */
let making = 0;

export async function counted(ms: number): Promise<Buffer> {
  making++;
  const together = making;
  await new Promise((resolve) => setTimeout(resolve, ms));
  making--;
  return Buffer.from(String(together));
}

export function refused(reason: string): Promise<Buffer> {
  return Promise.reject(new Error(reason));
}
