import { z } from 'zod';
import type { ModelConfig } from './model-config';
import { DISCRIMINATOR_CLIP_GRADIENTS, DISCRIMINATOR_OPTIMIZERS, DOWNSAMPLINGS, FLOW_WARPS, INITIALIZATIONS, LOSS_REDUCTIONS, SPLAT_COVERAGES } from './model-options';

const positive = z.number().positive();
const nonNegative = z.number().min(0);
const sizes = z.array(z.int().min(1)).min(1);

/**
 * `ModelConfig` as a schema: the one check of `--set`, a manifest's `stages.train.model` and a
 * checkpoint's `checkpoint.json`, so a bad value is a one-line error naming the field instead of
 * a TensorFlow.js internal error half-way into a run.
 */
export const modelConfigSchema = z.strictObject({
  preset: z.string().min(1),
  historyLength: z.int().min(1).max(32),
  patchSizePx: z.int().min(8).max(4096),
  generator: z.array(z.strictObject({ featureMaps: sizes, kernelSizes: z.array(z.int().min(1).max(31)).min(1) })).min(1),
  discriminator: z.array(z.strictObject({ featureMaps: sizes, kernelSizes: z.array(z.int().min(1).max(31)).min(1), fullyConnected: sizes })).min(1),
  residualScales: z.boolean(),
  conditionalDiscriminator: z.boolean(),
  lpWeight: nonNegative,
  lpExponent: positive,
  gdlWeight: nonNegative,
  gdlExponent: positive,
  adversarialWeight: nonNegative,
  lossReduction: z.enum(LOSS_REDUCTIONS),
  generatorLearningRate: positive,
  generatorLearningRateSchedule: z.array(z.strictObject({ fromStep: z.int().min(0), learningRate: positive })).optional(),
  discriminatorLearningRate: positive,
  discriminatorOptimizer: z.enum(DISCRIMINATOR_OPTIMIZERS),
  discriminatorClip: z
    .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
    .refine(([low, high]) => low < high, 'needs [low, high] with low < high'),
  discriminatorClipGradient: z.enum(DISCRIMINATOR_CLIP_GRADIENTS),
  discriminatorLeak: z.number().min(0).max(1),
  rolloutSteps: z.int().min(1).max(16),
  initialization: z.enum(INITIALIZATIONS),
  initStdDev: positive,
  initBias: z.number(),
  downsampling: z.enum(DOWNSAMPLINGS),
  predictChange: z.boolean(),
  changeScale: z.number().min(0.5).max(4),
  flowPx: z.number().min(0).max(16),
  flowWarp: z.enum(FLOW_WARPS),
  splatCoverage: z.enum(SPLAT_COVERAGES),
  priorFlowSpan: z.int().min(0).max(15),
  priorFlowRadiusPx: z.int().min(1).max(16),
  priorFlowWindowPx: z.int().min(1).max(31).refine((n) => n % 2 === 1, 'must be odd'),
  priorFlowSmoothPx: z.int().min(0).max(31),
  priorFlowInput: z.boolean(),
  moveBlurPx: z.number().min(0).max(8),
  priorGate: z.boolean(),
  priorConfidence: z.boolean(),
  generatorAverageDecay: z.number().min(0).lt(1),
  clipFeedback: z.boolean(),
  freeOvershoot: z.boolean(),
  discriminatorOutputStdDev: z.number().min(0).max(1),
  batchSize: z.int().min(1).max(4096),
});

export type ModelConfigField = keyof typeof modelConfigSchema.shape;

/** Fields added after checkpoints were first written, with the value that reproduces the old behaviour. */
const BEFORE_OPTIONS: Partial<ModelConfig> = { lossReduction: 'sum', discriminatorOptimizer: 'sgd', initialization: 'port', downsampling: 'bilinear', predictChange: false, clipFeedback: false, discriminatorLeak: 0, rolloutSteps: 1, discriminatorClipGradient: 'zero', freeOvershoot: false, discriminatorOutputStdDev: 0, changeScale: 1, flowPx: 0, flowWarp: 'backward', priorFlowSpan: 0, priorFlowRadiusPx: 4, priorFlowWindowPx: 7, priorFlowSmoothPx: 0, priorFlowInput: false, moveBlurPx: 0, priorGate: false, priorConfidence: false, generatorAverageDecay: 0, splatCoverage: 'sum' };

/** The first problem of a failed parse, as `field: message` (e.g. `lpWeight: expected number, received string`). */
export function describeConfigIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  const where = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return `${where ? `${where}: ` : ''}${issue.message}`;
}

/** A whole config, checked; throws a RangeError naming the field. */
export function parseModelConfig(value: unknown): ModelConfig {
  const result = modelConfigSchema.safeParse(value);
  if (!result.success) throw new RangeError(describeConfigIssue(result.error));
  return result.data as ModelConfig;
}

/** A checkpoint's config: fields it predates get their old behaviour, then the whole is checked. */
export function parseStoredModelConfig(value: unknown): ModelConfig {
  return parseModelConfig({ ...BEFORE_OPTIONS, ...(value as object) });
}

/** One field's value checked (for `--set FIELD=VALUE`); throws a RangeError naming the field. */
export function parseModelField(field: string, value: unknown): unknown {
  const schema = (modelConfigSchema.shape as Record<string, z.ZodType>)[field];
  if (!schema) throw new RangeError(`unknown field '${field}' (fields: ${Object.keys(modelConfigSchema.shape).join(', ')})`);
  const result = schema.safeParse(value);
  if (!result.success) throw new RangeError(describeConfigIssue(result.error, field));
  return result.data;
}

/** Overrides (e.g. a manifest's `stages.train.model`), each field checked. */
export function parseModelOverrides(value: unknown): Partial<ModelConfig> {
  const result = modelConfigSchema.partial().safeParse(value);
  if (!result.success) throw new RangeError(describeConfigIssue(result.error));
  return result.data as Partial<ModelConfig>;
}
