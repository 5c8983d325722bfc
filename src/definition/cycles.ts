/** Cycle detection over a graph given as node names and an edge function. */

/** Returns one cycle as a list of names (first name repeated at the end), or undefined when there is none. */
export function findCycle(nodes: readonly string[], edgesOf: (node: string) => readonly string[]): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const s = state.get(node);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of [...edgesOf(node)].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...nodes].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
