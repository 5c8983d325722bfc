/**
 * The step graph and DAG layout of each execution, computed once (a stored definition never changes). Compiling the
 * definition schema takes seconds on a slow machine, so `warm()` does it when the server starts.
 */
import type { StepGraph } from '../../definition/graph.ts';
import { loadDefinition } from '../../definition/loader.ts';
import { type SchemaValidator, createSchemaValidator } from '../../definition/schema.ts';
import { type DagLayout, layoutDag } from '../graph/layout.ts';
import type { UiWorkspace } from './workspace.ts';

/** Executions kept; the oldest entry goes first (a long-running server may be shown thousands). */
const KEEP = 200;

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.set(key, value);
  if (map.size > KEEP) map.delete(map.keys().next().value as string);
}

export class GraphCache {
  private validator: SchemaValidator | undefined;
  private readonly graphs = new Map<string, StepGraph>();
  private readonly layouts = new Map<string, DagLayout>();

  constructor(private readonly workspace: UiWorkspace) {}

  warm(): void {
    this.validator ??= createSchemaValidator();
  }

  /** `id` is the execution id (not a prefix or ARN), so each execution has one entry. */
  async graphOf(id: string): Promise<StepGraph> {
    const cached = this.graphs.get(id);
    if (cached) return cached;
    const stored = await this.workspace.loadExecution(id);
    this.validator ??= createSchemaValidator();
    const graph = loadDefinition(stored.definition, { source: `execution ${id}`, validator: this.validator }).graph;
    remember(this.graphs, id, graph);
    return graph;
  }

  async layoutOf(id: string): Promise<DagLayout> {
    const cached = this.layouts.get(id);
    if (cached) return cached;
    const graph = await this.graphOf(id);
    const layout = layoutDag([...graph.nodes.values()].map((n) => ({ name: n.name, type: n.type, dependsOn: n.dependsOn, branch: n.branch })));
    remember(this.layouts, id, layout);
    return layout;
  }
}
