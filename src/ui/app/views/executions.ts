/** The executions list: status, duration and parameters, filtered by pipeline and status; pick two or more to compare. */
import { get } from '../api.ts';
import { badge, duration, esc, time } from '../dom.ts';
import type { ExecutionList } from '../types.ts';
import type { View } from './view.ts';

const STATUSES = ['Executing', 'Stopping', 'Stopped', 'Failed', 'Succeeded'];
/** Rows rendered at once; the rest on demand, so 1,000 executions stay quick. */
const PAGE = 200;

export const executionsView: View = (root, query) => {
  const pipeline = query.get('pipeline') ?? '';
  const status = query.get('status') ?? '';
  let shown = PAGE;
  let data: ExecutionList | undefined;
  let closed = false;

  const selected = () => [...root.querySelectorAll<HTMLInputElement>('input.pick:checked')].map((i) => i.value);

  function draw(): void {
    if (!data) return;
    const rows = data.executions.slice(0, shown).map(
      (e) => `<tr data-execution="${esc(e.id)}" data-status="${esc(e.status)}">
        <td><input type="checkbox" class="pick" value="${esc(e.id)}" aria-label="compare ${esc(e.id)}"></td>
        <td><a href="#/executions/${esc(e.id)}">${esc(e.id)}</a><div class="muted small">${esc(e.displayName)}</div></td>
        <td>${esc(e.pipeline)}</td><td>${badge(e.status)}${e.failureReason ? `<div class="small error-text">${esc(e.failureReason)}</div>` : ''}</td>
        <td>${esc(time(e.start ?? e.created))}</td><td class="num">${esc(duration(e.durationMs))}</td>
        <td class="params">${e.parameters.map((p) => `<code>${esc(p.Name)}=${esc(p.Value)}</code>`).join(' ')}</td>
        <td class="num">${e.steps}${e.cacheHits ? ` <span class="cache-tag" title="cache hits">${e.cacheHits} cached</span>` : ''}</td></tr>`,
    );
    const cards = data.pipelineSummaries
      .map(
        (p) => `<a class="pipeline-card${p.name === pipeline ? ' active' : ''}" data-pipeline="${esc(p.name)}" href="#/executions?pipeline=${encodeURIComponent(p.name)}">
          <strong>${esc(p.name)}</strong><span class="muted small">${p.executions} execution${p.executions === 1 ? '' : 's'}</span>
          <span class="small">latest ${badge(p.latest.status)} ${esc(time(p.latest.created))}</span></a>`,
      )
      .join('');
    root.innerHTML = `<section><h1>Pipelines</h1><div class="pipelines">${cards || '<p class="muted">none yet</p>'}</div>
      <h1>Executions</h1>
      <form class="filters" id="filters">
        <label>pipeline <select name="pipeline" id="filter-pipeline"><option value="">all</option>${data.pipelines.map((p) => `<option ${p === pipeline ? 'selected' : ''}>${esc(p)}</option>`).join('')}</select></label>
        <label>status <select name="status" id="filter-status"><option value="">all</option>${STATUSES.map((s) => `<option ${s === status ? 'selected' : ''}>${s}</option>`).join('')}</select></label>
        <span class="muted" id="count">${data.executions.length} of ${data.total} executions</span>
        <button type="button" id="compare" disabled>compare selected</button>
      </form>
      ${data.corrupt.length ? `<p class="warning">unreadable execution records: ${data.corrupt.map(esc).join(', ')}</p>` : ''}
      ${data.total === 0 ? '<p class="muted">no executions yet: run a pipeline with <code>sagepipe run</code></p>' : ''}
      <table class="list" id="executions"><thead><tr><th></th><th>execution</th><th>pipeline</th><th>status</th><th>started</th><th>duration</th><th>parameters</th><th>steps</th></tr></thead>
      <tbody>${rows.join('')}</tbody></table>
      ${data.executions.length > shown ? `<button id="more">show ${Math.min(PAGE, data.executions.length - shown)} more</button>` : ''}</section>`;
    const filters = root.querySelector<HTMLFormElement>('#filters');
    filters?.addEventListener('change', () => {
      const p = new URLSearchParams();
      const form = new FormData(filters);
      for (const key of ['pipeline', 'status']) if (form.get(key)) p.set(key, String(form.get(key)));
      location.hash = `#/executions${p.size ? `?${p}` : ''}`;
    });
    const compare = root.querySelector<HTMLButtonElement>('#compare');
    root.querySelector('#executions')?.addEventListener('change', () => {
      if (compare) compare.disabled = selected().length < 2;
    });
    compare?.addEventListener('click', () => {
      location.hash = `#/compare?ids=${selected().join(',')}`;
    });
    root.querySelector('#more')?.addEventListener('click', () => {
      shown += PAGE;
      draw();
    });
  }

  async function load(): Promise<void> {
    const q = new URLSearchParams();
    if (pipeline) q.set('pipeline', pipeline);
    if (status) q.set('status', status);
    const next = await get<ExecutionList>(`/api/executions${q.size ? `?${q}` : ''}`);
    if (closed) return;
    const picked = new Set(selected());
    data = next;
    draw();
    for (const box of root.querySelectorAll<HTMLInputElement>('input.pick')) box.checked = picked.has(box.value);
  }

  void load().catch((e: unknown) => (root.innerHTML = `<p class="error-text">${esc((e as Error).message)}</p>`));
  // Runs change and new ones start (also from other terminals): refresh while the page is visible, more often while
  // something is executing.
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
    if (document.visibilityState !== 'visible') return;
    const running = data?.executions.some((e) => e.status === 'Executing' || e.status === 'Stopping');
    if (running || ticks % 3 === 0) void load().catch(() => undefined);
  }, 2000);
  return () => {
    closed = true;
    clearInterval(timer);
  };
};
