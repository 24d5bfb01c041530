import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Discriminator } from './discriminator';
import { parseStoredModelConfig } from './model-config-schema';
import { createGenerator, type Generator } from './generator';
import type { ModelConfig } from './model-config';
import type { Optimizers } from './training-steps';
import type { WeightAverage } from './weight-average';

export const CHECKPOINT_FORMAT = 'nextframe-checkpoint';
/** Version 2 keeps the trainer's state as a typed `trainer`; version 1 kept the same fields in an untyped `extra` (still read). */
export const CHECKPOINT_VERSION = 2;
const READ_VERSIONS: readonly number[] = [1, CHECKPOINT_VERSION];

/**
 * `generator` holds the weights to predict with: the generator's own, or their running average
 * when the run keeps one (`generatorAverageDecay`), and then `generatorTraining` the weights
 * training continues from. Whatever loads a checkpoint to predict reads `generator` alone.
 */
type Group = 'generator' | 'generatorTraining' | 'discriminator' | 'generatorOptimizer' | 'discriminatorOptimizer';

/** Adam's private running powers β₁ᵗ and β₂ᵗ. */
interface AdamState {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}
const ACC_BETA1 = 'adam/accBeta1';
const ACC_BETA2 = 'adam/accBeta2';

/** `checkpoint.json`: what `weights.bin` holds, and where. */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** Training steps done. */
  step: number;
  seed: number;
  config: ModelConfig;
  /** Every tensor: its group, key (parameter key, or the optimizer's weight name), shape and place in weights.bin (float32 little-endian). */
  tensors: { group: Group; key: string; shape: number[]; offset: number; length: number }[];
  /** What the trainer keeps beside the weights (absent in a checkpoint made outside training). */
  trainer?: TrainerState;
}

/** The trainer's own state in a checkpoint: to resume exactly, and to tell where a model came from. */
export interface TrainerState {
  /** The next batch of the seeded data order. */
  dataPosition: { epoch: number; batch: number };
  adversarial: boolean;
  /** The run's held-out frames (`-t`; export takes its sample clips from there). Stored relative to the checkpoint folder by libs/checkpoints, absolute once loaded. */
  testDir?: string;
  /** When the checkpoint was written, in ms since 1970 (checkpoint rotation keeps one per window of hours). */
  savedAt: number;
  /** Wall-clock seconds of training since step 0, across resumes and the run it was loaded from (learning curves). */
  trainingSeconds: number;
}

export interface CheckpointContent {
  manifest: CheckpointManifest;
  weights: Uint8Array;
}

/** Everything needed to continue training exactly, as a manifest and one buffer of float32s. */
export async function serializeCheckpoint(args: {
  generator: Generator;
  discriminator?: Discriminator;
  optimizers?: Partial<Optimizers>;
  /** The running average of the generator's weights, if the run keeps one: stored as `generator`. */
  average?: WeightAverage;
  step: number;
  seed: number;
  trainer?: TrainerState;
}): Promise<CheckpointContent> {
  const entries: { group: Group; key: string; tensor: tf.Tensor }[] = [];
  for (const p of args.average?.parameters ?? []) entries.push({ group: 'generator', key: p.key, tensor: p.variable });
  const own: Group = args.average ? 'generatorTraining' : 'generator';
  for (const p of args.generator.parameters) entries.push({ group: own, key: p.key, tensor: p.variable });
  for (const p of args.discriminator?.parameters ?? []) entries.push({ group: 'discriminator', key: p.key, tensor: p.variable });
  for (const [group, optimizer] of [
    ['generatorOptimizer', args.optimizers?.generator],
    ['discriminatorOptimizer', args.optimizers?.discriminator],
  ] as const) {
    if (!optimizer) continue;
    for (const w of await optimizer.getWeights()) entries.push({ group, key: w.name, tensor: w.tensor });
    // Adam's bias-correction powers, exactly: setWeights would recompute them with pow(), whose
    // last bit differs from the running product, and a resumed run would drift from an unbroken one.
    const adam = optimizer as unknown as AdamState;
    if (adam.accBeta1 && adam.accBeta2) {
      entries.push({ group, key: ACC_BETA1, tensor: adam.accBeta1 }, { group, key: ACC_BETA2, tensor: adam.accBeta2 });
    }
  }
  const total = entries.reduce((n, e) => n + e.tensor.size, 0);
  const values = new Float32Array(total);
  const tensors: CheckpointManifest['tensors'] = [];
  let offset = 0;
  for (const e of entries) {
    values.set(await e.tensor.data(), offset);
    tensors.push({ group: e.group, key: e.key, shape: e.tensor.shape, offset, length: e.tensor.size });
    offset += e.tensor.size;
  }
  return {
    manifest: {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      step: args.step,
      seed: args.seed,
      config: args.generator.config,
      tensors,
      ...(args.trainer ? { trainer: args.trainer } : {}),
    },
    weights: new Uint8Array(values.buffer),
  };
}

/**
 * Put a checkpoint's values into networks (and optimizers) built with its `config`. Parameters are
 * matched by key; optimizer state by order (tfjs optimizers keep it per variable, in order).
 * The generator gets the weights to predict with, or with `training` the weights training
 * continues from; `average` gets the stored average (or starts over from the weights: none stored).
 */
export async function restoreCheckpoint(
  content: CheckpointContent,
  targets: { generator: Generator; discriminator?: Discriminator; optimizers?: Partial<Optimizers>; average?: WeightAverage; training?: boolean },
): Promise<void> {
  const { manifest } = content;
  checkFormat(manifest);
  const floats = new Float32Array(content.weights.buffer, content.weights.byteOffset, content.weights.byteLength / 4);
  const byGroup = (group: Group) => manifest.tensors.filter((t) => t.group === group);
  const assign = (group: Group, parameters: readonly { key: string; variable: tf.Variable }[]) => {
    const stored = new Map(byGroup(group).map((t) => [t.key, t]));
    for (const p of parameters) {
      const t = stored.get(p.key);
      if (!t) throw new Error(`checkpoint has no ${p.key}`);
      if (t.shape.join('x') !== p.variable.shape.join('x')) {
        throw new Error(`${p.key} is ${t.shape.join('x')} in the checkpoint but ${p.variable.shape.join('x')} in the model`);
      }
      tf.tidy(() => p.variable.assign(tf.tensor(floats.subarray(t.offset, t.offset + t.length), t.shape)));
    }
  };
  const averaged = byGroup('generatorTraining').length > 0;
  assign(targets.training && averaged ? 'generatorTraining' : 'generator', targets.generator.parameters);
  if (targets.average) {
    if (averaged) assign('generator', targets.average.parameters);
    else targets.average.reset();
  }
  if (targets.discriminator) assign('discriminator', targets.discriminator.parameters);
  for (const [group, optimizer] of [
    ['generatorOptimizer', targets.optimizers?.generator],
    ['discriminatorOptimizer', targets.optimizers?.discriminator],
  ] as const) {
    const all = byGroup(group);
    if (!optimizer || all.length === 0) continue;
    const stored = all.filter((t) => t.key !== ACC_BETA1 && t.key !== ACC_BETA2);
    const weights = stored.map((t) => ({ name: t.key, tensor: tf.tensor(floats.slice(t.offset, t.offset + t.length), t.shape) }));
    await optimizer.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
    const adam = optimizer as unknown as AdamState;
    for (const t of all) {
      const target = t.key === ACC_BETA1 ? adam.accBeta1 : t.key === ACC_BETA2 ? adam.accBeta2 : undefined;
      if (target) tf.tidy(() => target.assign(tf.scalar(floats[t.offset])));
    }
  }
}

/** The files of a checkpoint folder: `checkpoint.json` and `weights.bin` (float32, little-endian). */
export function checkpointFiles(content: CheckpointContent): Record<string, string | Uint8Array> {
  return { 'checkpoint.json': `${JSON.stringify(content.manifest, null, 2)}\n`, 'weights.bin': content.weights };
}

/** `checkpoint.json` checked: its format and version (v1's `extra` read as `trainer`), its trainer state and its config. */
export function parseCheckpointManifest(manifestText: string): CheckpointManifest {
  const stored = JSON.parse(manifestText) as Omit<CheckpointManifest, 'version'> & { version: number; extra?: unknown };
  checkFormat(stored);
  const { extra, version, ...rest } = stored;
  const manifest: CheckpointManifest = { ...rest, version: CHECKPOINT_VERSION };
  const trainer = version === 1 ? extra : stored.trainer;
  if (trainer !== undefined && !(version === 1 && isEmptyObject(trainer))) manifest.trainer = parseTrainerState(trainer);
  else delete manifest.trainer;
  try {
    manifest.config = parseStoredModelConfig(manifest.config);
  } catch (error) {
    throw new Error(`checkpoint.json: config.${(error as Error).message}`);
  }
  return manifest;
}

/** A checkpoint from its folder's files, checking that they belong together. */
export function checkpointFromFiles(manifestText: string, weights: Uint8Array): CheckpointContent {
  const manifest = parseCheckpointManifest(manifestText);
  const expected = manifest.tensors.reduce((n, t) => Math.max(n, t.offset + t.length), 0) * 4;
  if (weights.byteLength !== expected) throw new Error(`weights.bin is ${weights.byteLength} bytes, checkpoint.json describes ${expected}`);
  // Float32Array views need 4-byte alignment.
  const aligned = weights.byteOffset % 4 === 0 ? weights : weights.slice();
  return { manifest, weights: aligned };
}

function checkFormat(manifest: { format?: unknown; version?: unknown }): void {
  if (manifest.format !== CHECKPOINT_FORMAT || !READ_VERSIONS.includes(manifest.version as number)) {
    throw new Error(`not a ${CHECKPOINT_FORMAT} v${READ_VERSIONS.join('/v')} checkpoint`);
  }
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

const trainerStateSchema = z.object({
  dataPosition: z.object({ epoch: z.int().min(0), batch: z.int().min(0) }).default({ epoch: 0, batch: 0 }),
  adversarial: z.boolean().default(false),
  testDir: z.string().optional(),
  savedAt: z.number().default(0),
  trainingSeconds: z.number().min(0).default(0),
});

/** checkpoint.json's `trainer` (or a v1 checkpoint's `extra`), checked; a field older checkpoints lack takes its default. */
function parseTrainerState(value: unknown): TrainerState {
  const parsed = trainerStateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`checkpoint.json: trainer.${issue.path.join('.')}: ${issue.message}`);
  }
  const { testDir, ...rest } = parsed.data;
  return testDir === undefined ? rest : { ...rest, testDir };
}

/** The generator a checkpoint predicts with (its weight average when it has one), built from its config: what evaluate, export and the curve load. The caller disposes it. */
export async function generatorFromCheckpoint(content: CheckpointContent): Promise<Generator> {
  const generator = createGenerator(content.manifest.config, content.manifest.seed);
  try {
    await restoreCheckpoint(content, { generator });
  } catch (error) {
    generator.dispose();
    throw error;
  }
  return generator;
}
