/**
 * The DAG as SVG text: boxes coloured by step status, condition steps as diamonds-cornered boxes, `if`/`else` branch
 * edges dashed and labelled, cache hits marked with a badge. Plain strings (no DOM), so Node and the browser share it.
 */
import type { DagLayout, DagNodeBox } from './layout.ts';

/** What the picture shows of a step; absent: not run (yet). */
export interface DagNodeState {
  readonly status: string;
  readonly cacheHit?: boolean;
  readonly notExecuted?: string;
}

export interface DagSvgOptions {
  readonly states?: Readonly<Record<string, DagNodeState>>;
  /** The selected step, outlined. */
  readonly selected?: string;
  /** Include a <style> block (standalone files); the UI uses its own stylesheet. @default true */
  readonly standalone?: boolean;
}

export const STATUS_COLOURS: Readonly<Record<string, string>> = {
  Starting: '#d7e3f4',
  Executing: '#8fb8f0',
  Stopping: '#f5d78e',
  Stopped: '#d9d9d9',
  Failed: '#f4a3a3',
  Succeeded: '#9fdca8',
  NotExecuted: '#f2f2f2',
  Pending: '#ffffff',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function statusOf(name: string, options: DagSvgOptions): string {
  const state = options.states?.[name];
  if (!state) return 'Pending';
  return state.notExecuted !== undefined ? 'NotExecuted' : state.status;
}

function nodeSvg(node: DagNodeBox, options: DagSvgOptions): string {
  const status = statusOf(node.name, options);
  const state = options.states?.[node.name];
  const left = node.x - node.width / 2;
  const top = node.y - node.height / 2;
  const radius = node.type === 'Condition' ? 16 : 5;
  const selected = options.selected === node.name ? ' selected' : '';
  const title = `${node.name} (${node.type}): ${status === 'NotExecuted' ? `not executed: ${state?.notExecuted ?? ''}` : status}${state?.cacheHit ? ', cache hit' : ''}`;
  const parts = [
    `<g class="dag-node status-${status}${selected}" data-step="${escapeXml(node.name)}" data-status="${status}" data-type="${escapeXml(node.type)}"${state?.cacheHit ? ' data-cache-hit="true"' : ''} tabindex="0">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${node.width}" height="${node.height}" rx="${radius}" fill="${STATUS_COLOURS[status] ?? '#fff'}" stroke="${selected ? '#1d4ed8' : '#555'}" stroke-width="${selected ? 3 : 1.2}"${node.type === 'Condition' ? ' stroke-dasharray="6 3"' : ''}/>`,
    `<text x="${node.x.toFixed(1)}" y="${(node.y - 4).toFixed(1)}" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(node.name)}</text>`,
    `<text x="${node.x.toFixed(1)}" y="${(node.y + 13).toFixed(1)}" text-anchor="middle" font-size="11" fill="#333">${escapeXml(node.type)}${options.states ? ` · ${status === 'NotExecuted' ? 'not executed' : status}` : ''}</text>`,
  ];
  if (state?.cacheHit) {
    parts.push(
      `<g class="cache-badge"><rect x="${(left + node.width - 44).toFixed(1)}" y="${(top - 8).toFixed(1)}" width="44" height="16" rx="8" fill="#6d28d9"/><text x="${(left + node.width - 22).toFixed(1)}" y="${(top + 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#fff">cached</text></g>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

export function renderDagSvg(layout: DagLayout, options: DagSvgOptions = {}): string {
  const width = Math.max(layout.width, 40);
  const height = Math.max(layout.height, 40);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="dag" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    '<defs><marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
  ];
  if (options.standalone ?? true) out.push('<style>.dag-node text{font-family:system-ui,sans-serif}</style><rect width="100%" height="100%" fill="#fff"/>');
  for (const edge of layout.edges) {
    const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const branch = edge.kind !== 'dependency';
    out.push(
      `<path class="dag-edge edge-${edge.kind}" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}" d="${d}" fill="none" stroke="${edge.kind === 'if' ? '#15803d' : edge.kind === 'else' ? '#b45309' : '#555'}" stroke-width="1.4"${branch ? ' stroke-dasharray="5 3"' : ''} marker-end="url(#dag-arrow)"/>`,
    );
    if (edge.label) {
      out.push(
        `<g class="edge-label"><rect x="${(edge.label.x - 14).toFixed(1)}" y="${(edge.label.y - 8).toFixed(1)}" width="28" height="16" rx="3" fill="#fff" stroke="${edge.kind === 'if' ? '#15803d' : '#b45309'}"/><text x="${edge.label.x.toFixed(1)}" y="${(edge.label.y + 4).toFixed(1)}" text-anchor="middle" font-size="11">${edge.kind}</text></g>`,
      );
    }
  }
  for (const node of layout.nodes) out.push(nodeSvg(node, options));
  out.push('</svg>');
  return out.join('\n');
}

/** A self-contained HTML page showing the picture (for `graph --format html` and the PNG screenshot). */
export function renderDagHtml(layout: DagLayout, title: string, options: DagSvgOptions = {}): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>body{margin:0;background:#fff}</style></head><body>\n${renderDagSvg(layout, options)}\n</body></html>\n`;
}
