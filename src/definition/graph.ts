/** The step graph of a definition: every step (condition branches flattened) and what each waits for. */
import type { StepPolicies } from './policies.ts';
import type { StepDefinition } from './types.ts';

export interface BranchInfo {
  readonly condition: string;
  readonly branch: 'IfSteps' | 'ElseSteps';
}

export interface GraphNode {
  readonly name: string;
  readonly type: string;
  readonly definition: StepDefinition;
  /** JSON path of the step in the definition. */
  readonly path: string;
  /** Steps that must succeed first: DependsOn, every reference, and the condition of its branch. Sorted. */
  readonly dependsOn: readonly string[];
  readonly branch: BranchInfo | undefined;
  /** Caching and retries, resolved with their defaults. */
  readonly policies: StepPolicies;
}

export interface StepGraph {
  /** In definition order (branches right after their condition step). */
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** A topological order: every step after all it depends on. */
  readonly order: readonly string[];
}

export function dependentsOf(graph: StepGraph, name: string): string[] {
  return [...graph.nodes.values()].filter((n) => n.dependsOn.includes(name)).map((n) => n.name);
}

/** Kahn's algorithm; ties keep definition order so the order is deterministic. */
export function topologicalOrder(nodes: ReadonlyMap<string, { readonly dependsOn: readonly string[] }>): string[] {
  const names = [...nodes.keys()];
  const remaining = new Map(names.map((n) => [n, new Set(nodes.get(n)?.dependsOn.filter((d) => nodes.has(d)))]));
  const order: string[] = [];
  while (order.length < names.length) {
    const ready = names.find((n) => !order.includes(n) && (remaining.get(n)?.size ?? 0) === 0);
    if (ready === undefined) break; // a cycle: reported by validation
    order.push(ready);
    for (const set of remaining.values()) set.delete(ready);
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
