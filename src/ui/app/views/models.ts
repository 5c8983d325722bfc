/** The model registry: groups, versions with metrics, approval status and history; approve/reject, deploy, try it. */
import { get, post } from '../api.ts';
import { badge, esc, num, time } from '../dom.ts';
import type { ModelsView, VersionSummary } from '../types.ts';
import type { View } from './view.ts';

function versionRow(v: VersionSummary): string {
  const ref = `${v.group}/${v.version}`;
  return `<tr data-version="${esc(ref)}">
    <td><strong>v${v.version}</strong><div class="muted small">${esc(time(v.created))}</div></td>
    <td class="approval">${badge(v.status)}${v.description ? `<div class="small">${esc(v.description)}</div>` : ''}</td>
    <td>${v.metrics.map(([k, val]) => `<div class="small"><span class="muted">${esc(k)}</span> ${esc(num(val))}</div>`).join('') || '<span class="muted">none</span>'}</td>
    <td>${v.execution ? `<a href="#/executions/${esc(v.execution)}">${esc(v.execution)}</a>` : ''}</td>
    <td class="small">${v.history.map((h) => `<div>${esc(time(h.Time))}: ${esc(h.From)} → ${esc(h.To)}${h.Description ? ` (${esc(h.Description)})` : ''}</div>`).join('') || '<span class="muted">no changes</span>'}</td>
    <td class="row-actions"><input class="reason" placeholder="reason" aria-label="reason for ${esc(ref)}">
      <button class="approve" data-ref="${esc(ref)}">approve</button> <button class="reject" data-ref="${esc(ref)}">reject</button>
      <button class="deploy" data-ref="${esc(ref)}">deploy</button></td></tr>`;
}

export const modelsView: View = (root) => {
  let closed = false;

  const draw = (data: ModelsView, message = '', error = false) => {
    root.innerHTML = `<section><h1>Model registry</h1>
      <p id="models-result" class="small ${error ? 'error-text' : ''}">${esc(message)}</p>
      ${data.groups.length === 0 ? '<p class="muted">no model package groups: a pipeline with a RegisterModel step adds them</p>' : ''}
      ${data.groups
        .map(
          (g) => `<h2>${esc(g.name)} <span class="muted small">${g.versions.length} versions</span></h2>
        <table class="list models" data-group="${esc(g.name)}"><thead><tr><th>version</th><th>approval</th><th>metrics</th><th>execution</th><th>history</th><th></th></tr></thead>
        <tbody>${g.versions.map(versionRow).join('')}</tbody></table>`,
        )
        .join('')}
      <h2>Endpoints</h2>
      ${data.endpoints.length === 0 ? '<p class="muted">none deployed</p>' : ''}
      <table class="list" id="endpoints"><tbody>${data.endpoints
        .map(
          (e) => `<tr data-endpoint="${esc(e.EndpointName)}"><td><strong>${esc(e.EndpointName)}</strong></td><td>${badge(e.EndpointStatus)}</td><td class="small">${esc(e.Url ?? '')}</td>
        <td><form class="invoke" data-endpoint="${esc(e.EndpointName)}"><textarea name="body" rows="2" cols="50" placeholder="CSV rows (features as the model expects)"></textarea>
        <select name="contentType"><option>text/csv</option><option>application/json</option></select> <button>try</button></form><pre class="answer small"></pre></td></tr>`,
        )
        .join('')}</tbody></table></section>`;
    wire();
  };

  const reload = (message = '', error = false) =>
    get<ModelsView>('/api/models').then(
      (d) => !closed && draw(d, message, error),
      (e: Error) => (root.innerHTML = `<p class="error-text">${esc(e.message)}</p>`),
    );

  function wire(): void {
    for (const [cls, status] of [
      ['approve', 'Approved'],
      ['reject', 'Rejected'],
    ] as const) {
      for (const b of root.querySelectorAll<HTMLButtonElement>(`button.${cls}`)) {
        b.addEventListener('click', () => {
          const ref = b.dataset.ref ?? '';
          const [group, version] = ref.split('/');
          const description = b.closest('tr')?.querySelector<HTMLInputElement>('input.reason')?.value ?? '';
          const force = status === 'Approved' && b.closest('tr')?.querySelector('.approval [data-status="Rejected"]') !== null
            ? confirm(`${ref} is Rejected: approve it anyway (like --force)?`)
            : false;
          b.disabled = true;
          post<VersionSummary>(`/api/models/${encodeURIComponent(group ?? '')}/${encodeURIComponent(version ?? '')}/approval`, { status, description, force }).then(
            (v) => reload(`${v.group}/${v.version} is ${v.status}`),
            (e: Error) => reload(e.message, true),
          );
        });
      }
    }
    for (const b of root.querySelectorAll<HTMLButtonElement>('button.deploy')) {
      b.addEventListener('click', () => {
        const ref = b.dataset.ref ?? '';
        const unapproved = b.closest('tr')?.querySelector('.approval [data-status="Approved"]') === null;
        if (unapproved && !confirm(`${ref} is not Approved: deploy it anyway (like --allow-unapproved)?`)) return;
        b.disabled = true;
        b.textContent = 'deploying…';
        post<{ EndpointName: string; EndpointStatus: string }>('/api/endpoints', { model: ref, allowUnapproved: unapproved }).then(
          (e) => reload(`endpoint ${e.EndpointName} is ${e.EndpointStatus}`),
          (e: Error) => reload(e.message, true),
        );
      });
    }
    for (const form of root.querySelectorAll<HTMLFormElement>('form.invoke')) {
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const data = new FormData(form);
        const out = form.parentElement?.querySelector('.answer');
        post<{ body: string }>(`/api/endpoints/${encodeURIComponent(form.dataset.endpoint ?? '')}/invoke`, { body: String(data.get('body') ?? ''), contentType: String(data.get('contentType')) }).then(
          (r) => out && (out.textContent = r.body),
          (e: Error) => out && (out.textContent = `error: ${e.message}`),
        );
      });
    }
  }

  void reload();
  return () => {
    closed = true;
  };
};
