/** Charts drawn as SVG strings: metric lines per training round, and horizontal bars for an evaluation report. */
import { esc, num } from './dom.ts';

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

function ticks(min: number, max: number, count: number): number[] {
  if (max === min) return [min];
  const step = (max - min) / (count - 1);
  return Array.from({ length: count }, (_, i) => min + i * step);
}

export function lineChart(title: string, series: Record<string, [number, number][]>, options: { width?: number; height?: number } = {}): string {
  const width = options.width ?? 560;
  const height = options.height ?? 260;
  const pad = { left: 56, right: 16, top: 28, bottom: 36 };
  const names = Object.keys(series);
  const points = names.flatMap((n) => series[n] ?? []);
  if (points.length === 0) return `<p class="muted">no ${esc(title)} lines</p>`;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => pad.left + ((x - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const sy = (y: number) => height - pad.bottom - ((y - y0) / (y1 - y0)) * (height - pad.top - pad.bottom);
  const out = [`<svg class="chart line-chart" data-chart="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`];
  out.push(`<text x="${pad.left}" y="16" font-size="13" font-weight="600">${esc(title)}</text>`);
  for (const t of ticks(y0, y1, 5)) {
    out.push(`<line x1="${pad.left}" x2="${width - pad.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${pad.left - 6}" y="${(sy(t) + 4).toFixed(1)}" font-size="10" text-anchor="end">${t.toFixed(3)}</text>`);
  }
  for (const t of ticks(x0, x1, Math.min(6, x1 - x0 + 1))) {
    out.push(`<text x="${sx(t).toFixed(1)}" y="${height - pad.bottom + 14}" font-size="10" text-anchor="middle">${Math.round(t)}</text>`);
  }
  out.push(`<text x="${(width + pad.left) / 2}" y="${height - 6}" font-size="10" text-anchor="middle">round</text>`);
  out.push(`<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${height - pad.bottom}" stroke="#6b7280"/>`);
  out.push(`<line x1="${pad.left}" x2="${width - pad.right}" y1="${height - pad.bottom}" y2="${height - pad.bottom}" stroke="#6b7280"/>`);
  names.forEach((name, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const d = (series[name] ?? []).map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    out.push(`<path class="series" data-series="${esc(name)}" data-points="${(series[name] ?? []).length}" d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<rect x="${width - pad.right - 170}" y="${pad.top + i * 16}" width="10" height="10" fill="${colour}"/><text x="${width - pad.right - 155}" y="${pad.top + 9 + i * 16}" font-size="11">${esc(name)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

export function barChart(title: string, metrics: readonly [string, number][], options: { width?: number } = {}): string {
  if (metrics.length === 0) return `<p class="muted">no metrics in ${esc(title)}</p>`;
  const width = options.width ?? 560;
  const row = 22;
  const labelWidth = 150;
  const height = 28 + metrics.length * row + 8;
  const max = Math.max(1, ...metrics.map(([, v]) => Math.abs(v)));
  const out = [`<svg class="chart bar-chart" data-chart="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`];
  out.push(`<text x="0" y="16" font-size="13" font-weight="600">${esc(title)}</text>`);
  metrics.forEach(([name, value], i) => {
    const y = 28 + i * row;
    const w = (Math.abs(value) / max) * (width - labelWidth - 70);
    out.push(`<text x="${labelWidth - 6}" y="${y + 14}" font-size="11" text-anchor="end">${esc(name)}</text>`);
    out.push(`<rect class="bar" data-metric="${esc(name)}" data-value="${value}" x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 6}" fill="#60a5fa"/>`);
    out.push(`<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 14}" font-size="11">${esc(num(value))}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
