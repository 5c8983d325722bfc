/** The selected step: status, failure reason, cache hit, evaluated arguments, S3 inputs/outputs, properties, its log. */
import { badge, duration, esc } from '../dom.ts';
import type { ExecutionRecord } from '../types.ts';

type Step = ExecutionRecord['Steps'][number];

/** Every s3:// string in a JSON value, with the path where it was found. */
export function s3Uris(value: unknown, path = ''): { path: string; uri: string }[] {
  if (typeof value === 'string') return value.startsWith('s3://') ? [{ path, uri: value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => s3Uris(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => s3Uris(v, path ? `${path}.${k}` : k));
  return [];
}

function uriList(items: { path: string; uri: string }[]): string {
  if (items.length === 0) return '<p class="muted">none</p>';
  return `<ul class="uris">${items
    .map((i) => `<li><code>${esc(i.uri)}</code> <a class="download" href="/api/s3?uri=${encodeURIComponent(i.uri)}" download>download</a><div class="muted small">${esc(i.path)}</div></li>`)
    .join('')}</ul>`;
}

function json(value: unknown): string {
  return `<pre class="json">${esc(JSON.stringify(value, null, 2))}</pre>`;
}

export function stepPanel(record: ExecutionRecord, name: string, type: string, definedArguments: unknown): string {
  const step: Step | undefined = record.Steps.find((s) => s.StepName === name);
  const notExecuted = record.NotExecutedSteps.find((n) => n.StepName === name);
  if (!step) {
    return `<h2>${esc(name)} <span class="muted">${esc(type)}</span></h2>${notExecuted ? `<p>not executed: ${esc(notExecuted.Reason)}</p>` : '<p class="muted">has not started</p>'}
      <details><summary>parameters (arguments as defined)</summary>${json(definedArguments ?? {})}</details>`;
  }
  const ms = step.StartTime ? (step.EndTime ? Date.parse(step.EndTime) : Date.now()) - Date.parse(step.StartTime) : undefined;
  const uris = s3Uris(step.Properties ?? {});
  // What the step read (job inputs, the model data a model or package points at) vs what it wrote.
  const inputs = uris.filter((u) => /Input|DataSource|ModelDataUrl|ModelMetrics|DriftCheck/.test(u.path) && !/Output|ModelArtifacts/.test(u.path));
  const outputs = uris.filter((u) => !inputs.includes(u));
  const args = step.CacheArguments;
  return `<h2>${esc(name)} <span class="muted">${esc(step.StepType)}</span> ${badge(step.StepStatus)}</h2>
    <p class="small">attempts ${step.AttemptCount}${ms === undefined ? '' : ` · ${esc(duration(ms))}`}${step.CacheHitResult ? ` · <span class="cache-tag">cache hit</span> from <code>${esc(step.CacheHitResult.SourcePipelineExecutionArn.split('/').pop())}</code>` : ''}${step.CacheMissReason ? ` · cache miss: ${esc(step.CacheMissReason)}` : ''}</p>
    ${step.FailureReason ? `<p class="failure" id="failure-reason">${esc(step.FailureReason)}</p>` : ''}
    <details open><summary>inputs</summary>${uriList(inputs)}</details>
    <details open><summary>outputs</summary>${uriList(outputs)}</details>
    ${args ? `<details><summary>parameters (evaluated arguments)</summary>${json(args)}</details>` : `<details><summary>parameters (arguments as defined)</summary>${json(definedArguments ?? {})}</details>`}
    <details><summary>properties</summary>${json(step.Properties ?? {})}</details>
    <details><summary>metadata</summary>${json(step.Metadata)}</details>
    <h3>log</h3><pre class="log" id="step-log" data-step="${esc(name)}"></pre>`;
}
