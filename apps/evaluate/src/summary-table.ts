import { BASELINE_LABELS, BASELINES } from '@nextframe/metrics';
import type { EvaluationReport } from './evaluate-run';

/**
 * The console's summary: per recursion step, the mean PSNR of the model (and the compared model)
 * beside every baseline, and the model's sharpness ratio; then the near-blank warning in words.
 */
export function summaryTable(report: EvaluationReport): string {
  const columns: [string, (k: number) => number][] = [
    [report.modelName ?? 'model', (k) => report.summary.model.psnr[k].mean],
    ...(report.summary.compare ? ([[report.compareName ?? 'compare', (k: number) => (report.summary.compare as EvaluationReport['summary']['model']).psnr[k].mean]] as [string, (k: number) => number][]) : []),
    ...BASELINES.map((b) => [BASELINE_LABELS[b], (k: number) => report.summary[b].psnr[k].mean] as [string, (k: number) => number]),
  ];
  const ratios: [string, EvaluationReport['summary']['model']][] = [[report.modelName ?? 'model', report.summary.model], ...(report.summary.compare ? ([[report.compareName ?? 'compare', report.summary.compare]] as [string, EvaluationReport['summary']['model']][]) : [])];
  const header = ['step', ...columns.map(([name]) => `PSNR ${name}`), ...ratios.map(([name]) => `sharpness ratio ${name}`)];
  const rows = Array.from({ length: report.recursions }, (_, k) => [String(k + 1), ...columns.map(([, at]) => `${at(k).toFixed(2)} dB`), ...ratios.map(([, s]) => s.sharpnessRatio[k].mean.toFixed(2))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  const lines = [line(header), ...rows.map(line)];
  if (report.nearBlank.length) {
    lines.push(`warning: at step${report.nearBlank.length > 1 ? 's' : ''} ${report.nearBlank.join(', ')} the model is within 0.1 dB of a blank frame (or below): it has most likely lost the moving objects; look at the strips`);
  }
  return `${lines.join('\n')}\n`;
}
