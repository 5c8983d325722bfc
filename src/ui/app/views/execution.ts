/**
 * One execution: the DAG (live over server-sent events), the selected step's details and streaming log, the
 * metrics charts, and the start / retry / stop actions.
 */
import { get, post } from '../api.ts';
import { badge, duration, esc, time } from '../dom.ts';
import { renderDagSvg } from '../../graph/svg.ts';
import { nodeStates } from '../../graph/states.ts';
import { barChart, lineChart } from '../chart.ts';
import type { ExecutionDetail, ExecutionMetrics, ExecutionRecord } from '../types.ts';
import { stepPanel } from './step-panel.ts';
import type { View } from './view.ts';

const terminal = (s: string) => s === 'Succeeded' || s === 'Failed' || s === 'Stopped';

export function metricsHtml(m: ExecutionMetrics): string {
  const parts: string[] = [];
  for (const r of m.report) parts.push(`<div class="chart-box">${barChart(`${r.step} · ${r.file}`, r.metrics)}</div>`);
  for (const t of m.training) {
    // One chart per metric kind (e.g. logloss), train and validation lines together.
    const kinds = new Map<string, Record<string, [number, number][]>>();
    for (const [name, points] of Object.entries(t.series)) {
      const kind = name.includes('-') ? name.slice(name.indexOf('-') + 1) : name;
      const group = kinds.get(kind) ?? {};
      group[name] = points;
      kinds.set(kind, group);
    }
    for (const [kind, series] of kinds) parts.push(`<div class="chart-box">${lineChart(`${t.step} · ${kind} per round`, series)}</div>`);
  }
  return parts.length ? parts.join('') : '<p class="muted">no evaluation report or training metric lines (yet)</p>';
}

export const executionView: View = (root, query, params) => {
  const id = params[0] ?? '';
  let detail: ExecutionDetail | undefined;
  let record: ExecutionRecord | undefined;
  let selected = query.get('step') ?? undefined;
  let events: EventSource | undefined;
  let logStream: EventSource | undefined;
  let metricsLoadedFor = '';
  let closed = false;

  const header = () => {
    if (!record || !detail) return '';
    const r = record;
    const ms = r.StartTime ? (r.EndTime ? Date.parse(r.EndTime) : Date.now()) - Date.parse(r.StartTime) : undefined;
    const values = new Map(r.PipelineParameters.map((p) => [p.Name, p.Value]));
    return `<h1>${esc(r.PipelineName)} <code>${esc(r.PipelineExecutionId)}</code> <span id="execution-status">${badge(r.PipelineExecutionStatus)}</span></h1>
      <p class="small">${esc(r.PipelineExecutionDisplayName)} · started ${esc(time(r.StartTime))} · <span id="execution-duration">${esc(duration(ms))}</span>${r.RetryCount ? ` · retried ${r.RetryCount}×` : ''}</p>
      ${r.FailureReason ? `<p class="failure">${esc(r.FailureReason)}</p>` : ''}
      <div class="actions">
        ${terminal(r.PipelineExecutionStatus) ? '' : '<button id="stop">stop</button>'}
        ${r.PipelineExecutionStatus === 'Failed' || r.PipelineExecutionStatus === 'Stopped' ? '<button id="retry">retry</button>' : ''}
        <details class="start"><summary>start again with parameters</summary><form id="start-form">
          ${detail.parameters.map((p) => `<label>${esc(p.Name)} <span class="muted small">${esc(p.Type)}</span> <input name="${esc(p.Name)}" value="${esc(values.get(p.Name) ?? p.DefaultValue ?? '')}"></label>`).join('')}
          <button type="submit" id="start">start</button></form></details>
        <span id="action-result" class="small"></span>
      </div>`;
  };

  function drawDag(): void {
    if (!detail || !record) return;
    const dag = root.querySelector('#dag');
    if (dag) dag.innerHTML = renderDagSvg(detail.layout, { states: nodeStates(record), ...(selected ? { selected } : {}), standalone: false });
  }

  function drawHeader(): void {
    const el = root.querySelector('#execution-header');
    if (el) {
      const open = el.querySelector('details.start')?.hasAttribute('open');
      el.innerHTML = header();
      if (open) el.querySelector('details.start')?.setAttribute('open', '');
      wireActions();
    }
  }

  function drawPanel(): void {
    const panel = root.querySelector('#step-panel');
    if (!panel || !record || !detail) return;
    if (!selected) {
      panel.innerHTML = '<p class="muted">click a step to see its parameters, inputs and outputs, properties and log</p>';
      return;
    }
    const type = detail.layout.nodes.find((n) => n.name === selected)?.type ?? '';
    const log = panel.querySelector('#step-log')?.textContent ?? '';
    const sameStep = panel.querySelector('#step-log')?.getAttribute('data-step') === selected;
    const openDetails = [...panel.querySelectorAll('details')].map((d) => d.open);
    panel.innerHTML = stepPanel(record, selected, type, detail.stepArguments[selected]);
    [...panel.querySelectorAll('details')].forEach((d, i) => {
      if (openDetails[i] !== undefined) d.open = openDetails[i] as boolean;
    });
    const pre = panel.querySelector('#step-log');
    if (pre && sameStep) pre.textContent = log;
    if (!sameStep) followLog();
  }

  function followLog(): void {
    logStream?.close();
    logStream = undefined;
    const step = selected;
    if (!step || !record?.Steps.some((s) => s.StepName === step)) return;
    logStream = new EventSource(`/api/executions/${encodeURIComponent(id)}/steps/${encodeURIComponent(step)}/log?follow=1`);
    logStream.addEventListener('log', (e) => {
      const pre = root.querySelector('#step-log');
      if (!pre) return;
      const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      const text = `${pre.textContent ?? ''}${JSON.parse((e as MessageEvent<string>).data) as string}`;
      // Keep the page light on chatty jobs: the last 1 MB is shown.
      pre.textContent = text.length > 1_000_000 ? text.slice(text.indexOf('\n', text.length - 1_000_000) + 1) : text;
      if (atEnd) pre.scrollTop = pre.scrollHeight;
    });
    logStream.addEventListener('end', () => logStream?.close());
  }

  async function loadMetrics(): Promise<void> {
    if (!record) return;
    const key = `${record.PipelineExecutionStatus}:${record.Steps.filter((s) => s.StepStatus === 'Succeeded').length}`;
    if (key === metricsLoadedFor) return;
    metricsLoadedFor = key;
    const m = await get<ExecutionMetrics>(`/api/executions/${encodeURIComponent(id)}/metrics`);
    const el = root.querySelector('#metrics');
    if (el && !closed) el.innerHTML = metricsHtml(m);
  }

  function result(text: string, error = false): void {
    const el = root.querySelector('#action-result');
    if (el) {
      el.textContent = text;
      el.className = error ? 'small error-text' : 'small';
    }
  }

  function wireActions(): void {
    root.querySelector('#stop')?.addEventListener('click', () => {
      post<{ outcome: string }>(`/api/executions/${encodeURIComponent(id)}/stop`).then((r) => result(`stop: ${r.outcome}`), (e: Error) => result(e.message, true));
    });
    root.querySelector('#retry')?.addEventListener('click', () => {
      post<{ executionId: string }>(`/api/executions/${encodeURIComponent(id)}/retry`).then(() => result('retrying'), (e: Error) => result(e.message, true));
    });
    root.querySelector<HTMLFormElement>('#start-form')?.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const form = new FormData(ev.target as HTMLFormElement);
      const parameters = Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]));
      post<{ executionId: string }>('/api/executions/start', { fromExecution: id, parameters }).then(
        (r) => (location.hash = `#/executions/${r.executionId}`),
        (e: Error) => result(e.message, true),
      );
    });
  }

  function onRecord(next: ExecutionRecord): void {
    record = next;
    drawDag();
    drawHeader();
    drawPanel();
    void loadMetrics().catch(() => undefined);
  }

  get<ExecutionDetail>(`/api/executions/${encodeURIComponent(id)}`).then(
    (d) => {
      if (closed) return;
      detail = d;
      record = d.record;
      root.innerHTML = `<section><div id="execution-header"></div>
        <div class="split"><div class="dag-box" id="dag" data-nodes="${d.layout.nodes.length}"></div><aside id="step-panel" class="panel"></aside></div>
        <h2>Metrics</h2><div id="metrics" class="charts"><p class="muted">loading…</p></div></section>`;
      const select = (e: Event) => {
        const node = (e.target as Element).closest('.dag-node');
        if (!node) return;
        selected = node.getAttribute('data-step') ?? undefined;
        history.replaceState(null, '', `#/executions/${id}${selected ? `?step=${encodeURIComponent(selected)}` : ''}`);
        drawDag();
        drawPanel();
        (root.querySelector(`.dag-node[data-step="${CSS.escape(selected ?? '')}"]`) as SVGGElement | null)?.focus();
      };
      root.querySelector('#dag')?.addEventListener('click', select);
      root.querySelector('#dag')?.addEventListener('keydown', (e) => {
        if ((e as KeyboardEvent).key === 'Enter' || (e as KeyboardEvent).key === ' ') select(e);
      });
      onRecord(d.record);
      events = new EventSource(`/api/executions/${encodeURIComponent(id)}/events`);
      events.addEventListener('record', (e) => onRecord(JSON.parse((e as MessageEvent<string>).data) as ExecutionRecord));
    },
    (e: Error) => (root.innerHTML = `<p class="error-text">${esc(e.message)}</p>`),
  );

  // Durations of running executions tick.
  const timer = setInterval(() => {
    if (record && !terminal(record.PipelineExecutionStatus)) {
      const el = root.querySelector('#execution-duration');
      if (el && record.StartTime) el.textContent = duration(Date.now() - Date.parse(record.StartTime));
    }
  }, 1000);

  return () => {
    closed = true;
    events?.close();
    logStream?.close();
    clearInterval(timer);
  };
};
