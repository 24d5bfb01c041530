import { z } from 'zod';
import { modelConfigSchema, type ModelConfig } from './model-config';

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

/**
 * Every model field with its value in `config` and its description, for `nextframe train
 * --describe-model`: `lpExponent = 2\n    p of the Lp loss (spec: 2).`
 */
export function describeModelFields(config: ModelConfig): string {
  return Object.entries(modelConfigSchema.shape)
    .map(([field, schema]) => `${field} = ${JSON.stringify((config as Record<string, unknown>)[field]) ?? '(unset)'}\n${wrapText((schema as z.ZodType).description ?? '', 100, '    ')}`)
    .join('\n');
}

/** Words wrapped to lines of at most `width` characters, each starting with `indent`. */
export function wrapText(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}
