/**
 * Would adding the edge `from → to` ("from depends on to") close a cycle? Walks what `to`
 * depends on, transitively; returns the cycle as a path `from → to → … → from`, or null.
 */
export async function findDependencyCycle(
  from: string,
  to: string,
  dependenciesOf: (id: string) => Promise<readonly string[]>,
): Promise<string[] | null> {
  if (from === to) return [from, from];
  const parent = new Map<string, string>([[to, from]]);
  const queue = [to];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const next of await dependenciesOf(current)) {
      if (next === from) {
        const path = [from];
        for (
          let node: string | undefined = current;
          node !== undefined && node !== from;
          node = parent.get(node)
        ) {
          path.splice(1, 0, node);
        }
        return [...path, from];
      }
      if (!parent.has(next)) {
        parent.set(next, current);
        queue.push(next);
      }
    }
  }
  return null;
}
