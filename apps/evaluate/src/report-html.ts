import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@nextframe/files';
import { BASELINE_LABELS, BASELINES, PSNR_CAP_DB, type Summary } from '@nextframe/metrics';
import type { EvaluationReport } from './evaluate-run';
import { STRIP_GAP_PX } from './strip-image';

/** Each metric: its key in the summary, its label, and the file of its plot under `plots/`. */
const METRICS = [
  ['psnr', 'PSNR (dB)', 'psnr.svg'],
  ['sharpnessDifference', 'Sharpness difference (dB)', 'sharpness-difference.svg'],
  ['sharpnessRatio', 'Sharpness ratio (prediction’s mean image gradient / truth’s)', 'sharpness-ratio.svg'],
  ['brightest', 'Brightest predicted pixel (0–1)', 'brightest.svg'],
  ['ssim', 'SSIM', 'ssim.svg'],
  ['movingPsnr', 'PSNR in moving areas (dB)', 'moving-psnr.svg'],
] as const;

type Methods = [string, EvaluationReport['summary']['model']][];

function methodsOf(report: EvaluationReport): Methods {
  return [
    [report.modelName ?? 'model', report.summary.model],
    ...(report.summary.compare ? ([[report.compareName ?? 'compare', report.summary.compare]] as Methods) : []),
    ...BASELINES.map((b) => [BASELINE_LABELS[b], report.summary[b]] as Methods[number]),
  ];
}

/** One SVG line chart per metric (mean over clips against the recursion step, a line per method), by file name. */
export function metricPlots(report: EvaluationReport): Record<string, string> {
  const methods = methodsOf(report);
  return Object.fromEntries(METRICS.map(([key, label, file]) => [file, plot(methods.map(([name, s]) => [name, s[key].map((v) => v.mean)]), label)]));
}

const COLORS = ['#1f77b4', '#d62728', '#ff7f0e', '#7f7f7f', '#2ca02c'];

/**
 * A self-contained HTML report: tables and inline SVG plots of every metric against the recursion
 * step, for the model and its baselines, and each clip's strip (inputs | predictions | truth)
 * embedded as a data URI.
 */
export function reportHtml(report: EvaluationReport, args: { title: string; /** data URIs of the clips' images, by their path in the report */ strips: Record<string, string> }): string {
  const methods = methodsOf(report);
  const plots = metricPlots(report);
  const sections = METRICS.map(([key, label, file]) => {
    const rows = Array.from({ length: report.recursions }, (_, k) => `<tr><td>${k + 1}</td>${methods.map(([, s]) => `<td>${cell(s[key][k])}</td>`).join('')}</tr>`).join('');
    return `<section><h2>${label}</h2>${plots[file]}
<table><thead><tr><th>step</th>${methods.map(([name]) => `<th>${escape(name)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></section>`;
  }).join('\n');
  const history = report.historyLength;
  const clips = report.clips
    .map((c) => {
      const gif = args.strips[c.gif] ? `<img alt="${escape(c.name)}: animation, prediction | truth" src="${args.strips[c.gif]}">` : '';
      // Small frames are shown enlarged (pixelated), like the GIFs.
      const stripWidth = (history + 2 * report.recursions) * c.width + 2 * STRIP_GAP_PX;
      const shown = c.width < 128 ? ` style="width:${2 * stripWidth}px"` : '';
      const from = c.start > 0 || c.name !== c.video ? ` from frame ${c.start + 1}` : '';
      return `<figure><img alt="${escape(c.name)}: inputs | predictions | truth" src="${args.strips[c.strip]}"${shown}> ${gif}<figcaption>${escape(c.video)}${from}: inputs | predictions | truth; animated: prediction | truth</figcaption></figure>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(args.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}figure{margin:1em 0}figure img{image-rendering:pixelated;max-width:100%;border:1px solid #ddd}svg{background:#fafafa;border:1px solid #ddd}.warning{background:#fff3cd;border:1px solid #e0c060;padding:.6em}</style>
</head><body>
<h1>${escape(args.title)}</h1>
<p>${report.clips.length} test clips, ${report.recursions} frames predicted recursively (each prediction replaces the oldest input). Mean ± standard deviation over clips.
Baselines: copying the last input frame, a blank (black) frame, and the mean of the input frames. PSNR is capped at ${PSNR_CAP_DB} dB (identical frames).</p>
${nearBlankWarning(report)}
${sections}
<h2>Clips</h2>
${clips}
</body></html>
`;
}

/**
 * `outDir/plots/<metric>.svg` (standalone, for slides and papers) and `outDir/report.html`, with the
 * strips and GIFs that `evaluateRun` wrote into `outDir` embedded.
 */
export async function writeReport(outDir: string, report: EvaluationReport, title: string): Promise<void> {
  const strips: Record<string, string> = {};
  for (const clip of report.clips) {
    strips[clip.strip] = `data:image/png;base64,${(await fs.readFile(path.join(outDir, clip.strip))).toString('base64')}`;
    strips[clip.gif] = `data:image/gif;base64,${(await fs.readFile(path.join(outDir, clip.gif))).toString('base64')}`;
  }
  for (const [file, svg] of Object.entries(metricPlots(report))) await writeFileAtomic(path.join(outDir, 'plots', file), `${svg}\n`);
  await writeFileAtomic(path.join(outDir, 'report.html'), reportHtml(report, { title, strips }));
}

function cell(s: Summary | undefined): string {
  if (!s || s.count === 0) return '–';
  return `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}${s.perfect ? ` (${s.perfect} perfect)` : ''}`;
}

/** Words, not only numbers, when the model is no better than predicting black. */
export function nearBlankWarning(report: EvaluationReport): string {
  if (report.nearBlank.length === 0) return '';
  const steps = report.nearBlank.join(', ');
  const word = report.nearBlank.length === 1 ? 'step' : 'steps';
  return `<p class="warning"><strong>At recursion ${word} ${steps} the model is within 0.1 dB of a blank (black) frame, or below it</strong>: there it predicts about as well as predicting nothing, and has most likely lost the moving objects. Look at the strips below before trusting a comparison with copying the last frame.</p>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A line chart of each series against the step (1…n). */
function plot(series: [string, number[]][], label: string): string {
  const width = 480;
  const height = 220;
  const pad = 40;
  const values = series.flatMap(([, v]) => v).filter(Number.isFinite);
  if (values.length === 0) return '';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const n = Math.max(...series.map(([, v]) => v.length));
  const x = (i: number) => pad + (n === 1 ? 0 : (i * (width - 2 * pad)) / (n - 1));
  const y = (v: number) => height - pad - ((v - lo) / span) * (height - 2 * pad);
  const lines = series
    .map(([name, v], s) => {
      const points = v.map((value, i) => (Number.isFinite(value) ? `${x(i).toFixed(1)},${y(value).toFixed(1)}` : '')).filter(Boolean).join(' ');
      return `<polyline fill="none" stroke="${COLORS[s % COLORS.length]}" stroke-width="2" points="${points}"/><text x="${width - pad}" y="${14 + 14 * s}" fill="${COLORS[s % COLORS.length]}" text-anchor="end">${escape(name)}</text>`;
    })
    .join('');
  const axis = `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">recursion step</text>`;
  const ticks = Array.from({ length: n }, (_, i) => `<text x="${x(i)}" y="${height - pad + 16}" text-anchor="middle">${i + 1}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escape(label)} against the recursion step">
<text x="${pad}" y="${pad - 10}">${hi.toFixed(2)}</text><text x="${pad}" y="${height - pad - 4}">${lo.toFixed(2)}</text>${ticks}${axis}${lines}</svg>`;
}
