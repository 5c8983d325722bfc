/** Two or more executions side by side: parameters (differences marked) and metrics. */
import { get } from '../api.ts';
import { badge, duration, esc, num } from '../dom.ts';
import type { ExecutionSummary } from '../types.ts';
import type { View } from './view.ts';

interface Compared {
  executions: { summary: ExecutionSummary; metrics: [string, number][] }[];
}

export const compareView: View = (root, query) => {
  const ids = query.get('ids') ?? '';
  get<Compared>(`/api/compare?ids=${encodeURIComponent(ids)}`).then(
    ({ executions }) => {
      const head = `<tr><th></th>${executions.map((e) => `<th><a href="#/executions/${esc(e.summary.id)}">${esc(e.summary.id)}</a><div>${badge(e.summary.status)}</div><div class="muted small">${esc(duration(e.summary.durationMs))}</div></th>`).join('')}</tr>`;
      const paramNames = [...new Set(executions.flatMap((e) => e.summary.parameters.map((p) => p.Name)))];
      const paramRows = paramNames.map((n) => {
        const values = executions.map((e) => e.summary.parameters.find((p) => p.Name === n)?.Value);
        const differs = new Set(values).size > 1;
        return `<tr class="${differs ? 'differs' : ''}" data-param="${esc(n)}"><th>${esc(n)}</th>${values.map((v) => `<td>${v === undefined ? '–' : `<code>${esc(v)}</code>`}</td>`).join('')}</tr>`;
      });
      const metricNames = [...new Set(executions.flatMap((e) => e.metrics.map(([k]) => k)))];
      const metricRows = metricNames.map((n) => {
        const values = executions.map((e) => e.metrics.find(([k]) => k === n)?.[1]);
        const differs = new Set(values.map((v) => (v === undefined ? '–' : num(v)))).size > 1;
        return `<tr class="${differs ? 'differs' : ''}" data-metric="${esc(n)}"><th>${esc(n)}</th>${values.map((v) => `<td class="num">${v === undefined ? '–' : esc(num(v))}</td>`).join('')}</tr>`;
      });
      root.innerHTML = `<section><h1>Compare ${executions.length} executions</h1>
        <h2>Parameters</h2><table class="compare" id="compare-params"><thead>${head}</thead><tbody>${paramRows.join('') || '<tr><td>no parameters</td></tr>'}</tbody></table>
        <h2>Metrics</h2><table class="compare" id="compare-metrics"><thead>${head}</thead><tbody>${metricRows.join('') || '<tr><td>no metrics</td></tr>'}</tbody></table></section>`;
    },
    (e: Error) => (root.innerHTML = `<p class="error-text">${esc(e.message)}</p>`),
  );
  return () => undefined;
};
