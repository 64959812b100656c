/** «1 secondo», «30 secondi», «1 minuto», «15 minuti»: a wait, rounded up to whole minutes past one. */
export const italianDuration = (seconds: number): string => {
  if (seconds < 60) return seconds === 1 ? '1 secondo' : `${seconds} secondi`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minuto' : `${minutes} minuti`;
};
