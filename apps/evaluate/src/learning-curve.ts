import { BASELINES, BASELINE_LABELS, type BaselineName } from '@nextframe/metrics';
import type { EvaluationReport } from './evaluate-run';

/** Metrics plotted against training: the model's mean over the held-out clips, per recursion step. */
export const CURVE_METRICS = ['psnr', 'ssim', 'brightest', 'sharpnessRatio'] as const;
export type CurveMetric = (typeof CURVE_METRICS)[number];

/** One checkpoint of one run, evaluated: its step, training time and metrics per recursion step. */
export interface CurvePoint extends Record<CurveMetric, number[]> {
  step: number;
  /** Wall-clock seconds of training up to this checkpoint (checkpoints written before it was recorded have none). */
  seconds?: number;
}

export interface LearningCurve {
  testDir: string;
  clips: number;
  recursions: number;
  runs: { name: string; points: CurvePoint[] }[];
  /** The trivial predictors on the same clips (the same at every checkpoint). */
  baselines: Record<BaselineName, Record<CurveMetric, number[]>>;
}

const means = (series: { mean: number }[]) => series.map((s) => Number(s.mean));

/** A checkpoint's point from its evaluation. */
export function curvePoint(step: number, seconds: number | undefined, report: EvaluationReport): CurvePoint {
  const m = report.summary.model;
  return { step, ...(seconds === undefined ? {} : { seconds }), psnr: means(m.psnr), ssim: means(m.ssim), brightest: means(m.brightest), sharpnessRatio: means(m.sharpnessRatio) };
}

/** The baselines' metrics from any evaluation of the curve's clips. */
export function curveBaselines(report: EvaluationReport): LearningCurve['baselines'] {
  const of = (b: BaselineName) => Object.fromEntries(CURVE_METRICS.map((k) => [k, means(report.summary[b][k])])) as Record<CurveMetric, number[]>;
  return Object.fromEntries(BASELINES.map((b) => [b, of(b)])) as LearningCurve['baselines'];
}

const RUN_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const BASELINE_COLORS: Record<BaselineName, string> = { blank: '#444444', copyLast: '#ff7f0e', meanOfInputs: '#8c8c8c' };
export const PANEL = { width: 230, height: 200, left: 44, top: 36, gap: 18, bottom: 58 } as const;

/** Where a panel's data goes: x from step 0 to the last step, y over every value shown. */
export function curveScales(curve: LearningCurve, metric: CurveMetric): { maxStep: number; lo: number; hi: number } {
  const values = [...curve.runs.flatMap((r) => r.points.flatMap((p) => p[metric])), ...BASELINES.flatMap((b) => curve.baselines[b][metric])].filter(Number.isFinite);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const pad = (hi - lo) * 0.05 || 0.5;
  return { maxStep: Math.max(1, ...curve.runs.flatMap((r) => r.points.map((p) => p.step))), lo: lo - pad, hi: hi + pad };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function minutes(seconds: number | undefined): string {
  if (seconds === undefined) return 'time not recorded';
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * One SVG: a panel per recursion step with `metric` against training steps — a line per run (its
 * checkpoints), a dashed line per trivial predictor — and a legend with each run's training time.
 */
export function curveSvg(curve: LearningCurve, metric: CurveMetric, label: string): string {
  const { maxStep, lo, hi } = curveScales(curve, metric);
  const width = PANEL.left + curve.recursions * (PANEL.width + PANEL.gap);
  const legendRows = curve.runs.length + BASELINES.length;
  const height = PANEL.top + PANEL.height + PANEL.bottom + 14 * Math.ceil(legendRows / 2);
  const x = (panel: number, step: number) => PANEL.left + panel * (PANEL.width + PANEL.gap) + (step / maxStep) * PANEL.width;
  const y = (v: number) => PANEL.top + PANEL.height - ((v - lo) / (hi - lo)) * PANEL.height;
  const parts: string[] = [`<text x="${PANEL.left}" y="16" font-weight="bold">${escape(label)} on ${curve.clips} held-out clips, per recursion step, against training steps</text>`];
  for (let r = 0; r < curve.recursions; r++) {
    const x0 = x(r, 0);
    parts.push(`<rect x="${x0}" y="${PANEL.top}" width="${PANEL.width}" height="${PANEL.height}" fill="#fafafa" stroke="#ccc"/>`);
    parts.push(`<text x="${x0 + PANEL.width / 2}" y="${PANEL.top - 6}" text-anchor="middle">step ${r + 1}</text>`);
    for (const step of [0, maxStep / 2, maxStep]) {
      parts.push(`<text x="${x(r, step).toFixed(1)}" y="${PANEL.top + PANEL.height + 14}" text-anchor="middle" font-size="10">${Math.round(step)}</text>`);
    }
    BASELINES.forEach((b) => {
      const v = curve.baselines[b][metric][r];
      if (Number.isFinite(v)) parts.push(`<line class="baseline" x1="${x0}" x2="${x(r, maxStep)}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${BASELINE_COLORS[b]}" stroke-dasharray="4 3"/>`);
    });
    curve.runs.forEach((run, i) => {
      const points = run.points.filter((p) => Number.isFinite(p[metric][r])).map((p) => `${x(r, p.step).toFixed(1)},${y(p[metric][r]).toFixed(1)}`);
      parts.push(`<polyline class="run" fill="none" stroke="${RUN_COLORS[i % RUN_COLORS.length]}" stroke-width="2" points="${points.join(' ')}"/>`);
    });
  }
  parts.push(`<text x="${PANEL.left - 4}" y="${PANEL.top + 10}" text-anchor="end" font-size="10">${hi.toFixed(2)}</text>`);
  parts.push(`<text x="${PANEL.left - 4}" y="${PANEL.top + PANEL.height}" text-anchor="end" font-size="10">${lo.toFixed(2)}</text>`);
  parts.push(`<text x="${width / 2}" y="${PANEL.top + PANEL.height + 32}" text-anchor="middle">training steps</text>`);
  const legend = [
    ...curve.runs.map((run, i) => ({ color: RUN_COLORS[i % RUN_COLORS.length], dash: '', text: `${run.name} (${run.points.length} checkpoints, ${minutes(run.points[run.points.length - 1]?.seconds)} of training)` })),
    ...BASELINES.map((b) => ({ color: BASELINE_COLORS[b], dash: ' stroke-dasharray="4 3"', text: BASELINE_LABELS[b] })),
  ];
  legend.forEach((item, i) => {
    const lx = PANEL.left + (i % 2) * (width / 2);
    const ly = PANEL.top + PANEL.height + 50 + 14 * Math.floor(i / 2);
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${item.color}" stroke-width="2"${item.dash}/><text x="${lx + 30}" y="${ly}" font-size="11">${escape(item.text)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12" role="img" aria-label="${escape(label)} against training steps">\n<rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`;
}

/** The curve as a Markdown table: each run's checkpoints (step, time, PSNR and SSIM per recursion step), then the baselines. */
export function curveTable(curve: LearningCurve): string {
  const steps = Array.from({ length: curve.recursions }, (_, r) => r + 1);
  const fmt = (values: number[], digits: number) => values.map((v) => (Number.isFinite(v) ? v.toFixed(digits) : '–')).join(' / ');
  const head = `| run | step | training time | PSNR ${steps.join(' / ')} | SSIM ${steps.join(' / ')} |\n| --- | --- | --- | --- | --- |`;
  const rows = curve.runs.flatMap((run) => run.points.map((p) => `| ${run.name} | ${p.step} | ${minutes(p.seconds)} | ${fmt(p.psnr, 2)} | ${fmt(p.ssim, 3)} |`));
  const base = BASELINES.map((b) => `| ${BASELINE_LABELS[b]} | – | – | ${fmt(curve.baselines[b].psnr, 2)} | ${fmt(curve.baselines[b].ssim, 3)} |`);
  return [head, ...rows, ...base].join('\n');
}
