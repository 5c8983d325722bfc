/** sagepipe ui: a hash-routed single-page app over the UI server's API. */
import { esc } from './dom.ts';
import { workspacePath } from './api.ts';
import { compareView } from './views/compare.ts';
import { executionView } from './views/execution.ts';
import { executionsView } from './views/executions.ts';
import { modelsView } from './views/models.ts';
import type { View } from './views/view.ts';

const routes: [RegExp, View][] = [
  [/^\/?$/, executionsView],
  [/^\/executions$/, executionsView],
  [/^\/executions\/([\w-]+)$/, executionView],
  [/^\/compare$/, compareView],
  [/^\/models$/, modelsView],
];

const app = document.getElementById('app') as HTMLElement;
app.innerHTML = `<header><a class="brand" href="#/executions">sagepipe</a>
  <nav><a href="#/executions" data-nav="executions">Executions</a><a href="#/models" data-nav="models">Model registry</a></nav>
  <span class="muted small workspace">${esc(workspacePath)}</span></header><main id="view"></main>`;
const main = document.getElementById('view') as HTMLElement;
let stop: (() => void) | undefined;

function route(): void {
  const raw = location.hash.replace(/^#/, '');
  const [path = '', search = ''] = raw.split('?');
  stop?.();
  stop = undefined;
  for (const [pattern, view] of routes) {
    const m = pattern.exec(path);
    if (!m) continue;
    for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', path.startsWith(`/${a.getAttribute('data-nav')}`));
    main.innerHTML = '<p class="muted">loading…</p>';
    stop = view(main, new URLSearchParams(search), m.slice(1));
    return;
  }
  main.innerHTML = `<p>no page ${esc(path)}: <a href="#/executions">executions</a></p>`;
}

window.addEventListener('hashchange', route);
route();
