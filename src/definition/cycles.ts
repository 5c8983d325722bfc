/** Cycle detection over a graph given as node names and an edge function. */

/**
 * Returns one cycle as a list of names (first name repeated at the end), or undefined when there is none. Depth-first
 * with an explicit stack (a 100,000-step chain would overflow the call stack), visiting in name order so the cycle
 * reported is deterministic.
 */
export function findCycle(nodes: readonly string[], edgesOf: (node: string) => readonly string[]): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const onPath = new Map<string, number>();
  for (const root of [...nodes].sort()) {
    if (state.has(root)) continue;
    const frames: { node: string; next: readonly string[]; i: number }[] = [];
    const enter = (node: string) => {
      state.set(node, 'visiting');
      onPath.set(node, path.length);
      path.push(node);
      frames.push({ node, next: [...edgesOf(node)].sort(), i: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { node: string; next: readonly string[]; i: number };
      if (frame.i < frame.next.length) {
        const next = frame.next[frame.i++] as string;
        const s = state.get(next);
        if (s === 'visiting') return [...path.slice(onPath.get(next)), next];
        if (s === undefined) enter(next);
        continue;
      }
      frames.pop();
      path.pop();
      onPath.delete(frame.node);
      state.set(frame.node, 'done');
    }
  }
  return undefined;
}
