/**
 * Erlang C: the probability that an arrival to an M/M/c queue (Poisson arrivals, exponential
 * service, c servers, first come first served) has to wait, from the offered load a = λ/μ.
 * Through Erlang B's recurrence, which stays finite where the textbook formula's factorials
 * and powers overflow.
 */
export function erlangC(servers: number, load: number): number {
  if (load >= servers) return 1;
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (load * b) / (k + load * b);
  return (servers * b) / (servers - load * (1 - b));
}

/** P(wait ≤ t) in an M/M/c queue with arrival rate λ and service rate μ per server. */
export function probabilityWaitWithin(
  servers: number,
  arrivalRate: number,
  serviceRate: number,
  t: number,
): number {
  const load = arrivalRate / serviceRate;
  if (load >= servers) return 0;
  return 1 - erlangC(servers, load) * Math.exp(-(servers * serviceRate - arrivalRate) * t);
}
