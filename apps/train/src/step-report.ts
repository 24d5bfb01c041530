import type { DiscriminatorStats } from '@nextframe/model';

/** The losses of one training step and the discriminator's judgement of its batch. */
export interface StepOutcome {
  scalars: Record<string, number>;
  judged?: DiscriminatorStats;
}

/** The stats line: losses and the batch's PSNR and sharpness, the discriminator's judgement over the steps since the last line, speed. */
export function describeStep(step: number, outcome: StepOutcome, judged: DiscriminatorStats[], rate: number): string {
  const shown = Object.entries(outcome.scalars).filter(([k]) => !k.startsWith('discriminator/'));
  const over = judged.length > 1 ? ` over ${judged.length} steps` : '';
  return (
    `step ${step}: ${shown.map(([k, v]) => `${k.replace(/^(loss|train)\//, '')} ${v.toFixed(3)}`).join(', ')}` +
    `${judged.length ? `; ${describeDiscriminator(meanDiscriminatorStats(judged))}${over}` : ''} (${rate.toFixed(2)} steps/s)`
  );
}

/** The per-scale means of several steps' discriminator statistics (each step weighs the same: equal batches). */
export function meanDiscriminatorStats(list: readonly DiscriminatorStats[]): DiscriminatorStats {
  const mean = (pick: (s: DiscriminatorStats) => number[]) => pick(list[0]).map((_, k) => list.reduce((sum, s) => sum + pick(s)[k], 0) / list.length);
  return { realMean: mean((s) => s.realMean), generatedMean: mean((s) => s.generatedMean), accuracy: mean((s) => s.accuracy) };
}

/** Steps the end-of-run judgement averages: the last stats line's 10 steps of a small batch are too few to tell 0.55 from chance. */
export const JUDGEMENT_WINDOW = 100;

/** Per scale, the mean of the steps' accuracies and its standard error (sample standard deviation / √steps; 0 for one step). */
export function accuracyOverSteps(list: readonly DiscriminatorStats[]): { mean: number[]; standardError: number[] } {
  const n = list.length;
  const mean = list[0].accuracy.map((_, k) => list.reduce((sum, s) => sum + s.accuracy[k], 0) / n);
  const standardError = mean.map((m, k) => (n < 2 ? 0 : Math.sqrt(list.reduce((sum, s) => sum + (s.accuracy[k] - m) ** 2, 0) / (n - 1) / n)));
  return { mean, standardError };
}

/** The end of an adversarial run: `D accuracy over the last 100 steps 0.62±0.02 0.71±0.02 …, D(real) …, D(generated) …`, coarsest scale first. */
export function describeJudgement(list: readonly DiscriminatorStats[]): string {
  const { mean, standardError } = accuracyOverSteps(list);
  const means = meanDiscriminatorStats(list);
  const fmt = (v: number[]) => v.map((x) => x.toFixed(2)).join(' ');
  return (
    `D accuracy over the last ${list.length} steps ${mean.map((m, k) => `${m.toFixed(2)}±${standardError[k].toFixed(2)}`).join(' ')}` +
    ` (mean ± standard error, coarsest scale first), D(real) ${fmt(means.realMean)}, D(generated) ${fmt(means.generatedMean)}`
  );
}

/** `discriminator/scale<k>/accuracy_last_steps` (mean) and `…_stderr` per scale: the end-of-run judgement for TensorBoard and metrics.jsonl. */
export function judgementScalars(list: readonly DiscriminatorStats[]): Record<string, number> {
  const { mean, standardError } = accuracyOverSteps(list);
  return Object.fromEntries(
    mean.flatMap((m, k) => [
      [`discriminator/scale${k}/accuracy_last_steps`, m],
      [`discriminator/scale${k}/accuracy_last_steps_stderr`, standardError[k]],
    ]),
  );
}

/** TensorBoard scalars of the discriminator's judgement, per scale. */
export function discriminatorScalars(stats: DiscriminatorStats): Record<string, number> {
  const out: Record<string, number> = {};
  stats.accuracy.forEach((_, k) => {
    out[`discriminator/scale${k}/real_mean`] = stats.realMean[k];
    out[`discriminator/scale${k}/generated_mean`] = stats.generatedMean[k];
    out[`discriminator/scale${k}/accuracy`] = stats.accuracy[k];
  });
  return out;
}

/** `D(real) 0.71 0.64 0.60 0.58, D(generated) …, accuracy …` — one value per scale, coarsest first. */
export function describeDiscriminator(stats: DiscriminatorStats): string {
  const fmt = (v: number[]) => v.map((x) => x.toFixed(2)).join(' ');
  return `D(real) ${fmt(stats.realMean)}, D(generated) ${fmt(stats.generatedMean)}, D accuracy ${fmt(stats.accuracy)}`;
}
