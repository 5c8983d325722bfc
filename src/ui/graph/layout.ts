/**
 * The DAG's geometry, computed by dagre (a maintained layered-graph layout): one box per step, one polyline per
 * dependency, condition branches labelled `if`/`else`. Pure data in, pure data out, so the UI server, the browser
 * and `sagepipe graph --format svg|png|html` all draw the same picture.
 */
import { type Edge, Graph, layout } from '@dagrejs/dagre';

export interface DagNodeInput {
  readonly name: string;
  readonly type: string;
  /** Steps this one waits for (DependsOn, references, the condition of its branch). */
  readonly dependsOn: readonly string[];
  readonly branch?: { readonly condition: string; readonly branch: 'IfSteps' | 'ElseSteps' } | undefined;
}

export interface DagNodeBox {
  readonly name: string;
  readonly type: string;
  /** Centre of the box. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type DagEdgeKind = 'dependency' | 'if' | 'else';

export interface DagEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: DagEdgeKind;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** Where dagre put the `if`/`else` label (branch edges only). */
  readonly label?: { readonly x: number; readonly y: number };
}

export interface DagLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly DagNodeBox[];
  readonly edges: readonly DagEdge[];
}

const NODE_HEIGHT = 46;
const CHAR_WIDTH = 7.4;

/** Box width fits the longer of the name and the type line (monospace-ish estimate; the SVG clips nothing). */
function widthOf(node: DagNodeInput): number {
  return Math.max(140, Math.ceil(Math.max(node.name.length, node.type.length + 2) * CHAR_WIDTH) + 28);
}

export function layoutDag(nodes: readonly DagNodeInput[]): DagLayout {
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 46, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const names = new Set(nodes.map((n) => n.name));
  for (const n of nodes) g.setNode(n.name, { width: widthOf(n), height: NODE_HEIGHT });
  const kinds = new Map<string, DagEdgeKind>();
  for (const n of nodes) {
    for (const dep of n.dependsOn) {
      if (!names.has(dep)) continue;
      const kind: DagEdgeKind = n.branch && n.branch.condition === dep ? (n.branch.branch === 'IfSteps' ? 'if' : 'else') : 'dependency';
      kinds.set(`${dep}\u0000${n.name}`, kind);
      g.setEdge(dep, n.name, kind === 'dependency' ? {} : { label: kind, width: 24, height: 14, labelpos: 'c' });
    }
  }
  layout(g);
  const graph = g.graph() as { width?: number; height?: number };
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: nodes.map((n) => {
      const box = g.node(n.name) as { x: number; y: number; width: number; height: number };
      return { name: n.name, type: n.type, x: box.x, y: box.y, width: box.width, height: box.height };
    }),
    edges: g.edges().map((e: Edge) => {
      const edge = g.edge(e) as { points?: { x: number; y: number }[]; x?: number; y?: number };
      const kind = kinds.get(`${e.v}\u0000${e.w}`) ?? 'dependency';
      return {
        from: e.v,
        to: e.w,
        kind,
        points: (edge.points ?? []).map((p) => ({ x: p.x, y: p.y })),
        ...(kind !== 'dependency' && edge.x !== undefined && edge.y !== undefined ? { label: { x: edge.x, y: edge.y } } : {}),
      };
    }),
  };
}
