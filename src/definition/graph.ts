/** The step graph of a definition: every step (condition branches flattened) and what each waits for. */
import type { CompiledStep } from './compiled.ts';
import { MinHeap } from './min-heap.ts';

export interface BranchInfo {
  readonly condition: string;
  readonly branch: 'IfSteps' | 'ElseSteps';
}

/** A step of the graph: its compiled form (a union on the step type). */
export type GraphNode = CompiledStep;

export interface StepGraph {
  /** In definition order (branches right after their condition step). */
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** A topological order: every step after all it depends on. */
  readonly order: readonly string[];
}

export function dependentsOf(graph: StepGraph, name: string): string[] {
  return [...graph.nodes.values()].filter((n) => n.dependsOn.includes(name)).map((n) => n.name);
}

/** For each step, the steps that wait for it, in definition order: one pass over every edge. */
export function dependentsMap(nodes: ReadonlyMap<string, { readonly dependsOn: readonly string[] }>): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const name of nodes.keys()) dependents.set(name, []);
  for (const [name, node] of nodes) {
    for (const dep of new Set(node.dependsOn)) dependents.get(dep)?.push(name);
  }
  return dependents;
}

/**
 * Kahn's algorithm with in-degree counts, linear in steps plus edges. Ties keep definition order (a min-heap on the
 * definition index) so the order is deterministic. Steps on a cycle are left out: validation reports the cycle.
 */
export function topologicalOrder(nodes: ReadonlyMap<string, { readonly dependsOn: readonly string[] }>): string[] {
  const names = [...nodes.keys()];
  const index = new Map(names.map((n, i) => [n, i]));
  const inDegree = new Int32Array(names.length);
  const dependents: number[][] = names.map(() => []);
  names.forEach((name, i) => {
    for (const dep of new Set(nodes.get(name)?.dependsOn)) {
      const d = index.get(dep);
      if (d === undefined) continue;
      inDegree[i] = (inDegree[i] as number) + 1;
      (dependents[d] as number[]).push(i);
    }
  });
  const ready = new MinHeap();
  inDegree.forEach((deg, i) => {
    if (deg === 0) ready.push(i);
  });
  const order: string[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(names[i] as string);
    for (const j of dependents[i] as number[]) {
      inDegree[j] = (inDegree[j] as number) - 1;
      if (inDegree[j] === 0) ready.push(j);
    }
  }
  return order;
}

/** The graph as Mermaid flowchart text. */
export function toMermaid(graph: StepGraph): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['flowchart TD'];
  for (const node of graph.nodes.values()) {
    const shape = node.type === 'Condition' ? `{"${node.name}<br/>${node.type}"}` : `["${node.name}<br/>${node.type}"]`;
    lines.push(`  ${id(node.name)}${shape}`);
  }
  for (const node of graph.nodes.values()) {
    for (const dep of node.dependsOn) {
      if (node.branch && dep === node.branch.condition) {
        lines.push(`  ${id(dep)} -->|${node.branch.branch === 'IfSteps' ? 'if' : 'else'}| ${id(node.name)}`);
      } else lines.push(`  ${id(dep)} --> ${id(node.name)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
