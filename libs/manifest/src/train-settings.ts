import { z } from 'zod';
import { setting } from '@nextframe/cli-kit';

const everyN = (fallback: number, what: string) => z.int().min(1).default(fallback).describe(what);

/**
 * Every setting of a training run besides the networks, described once: the manifest's
 * `stages.train` (and its JSON Schema), `nextframe train`'s flags, their help and defaults, and
 * the resolved options `--print-config` shows all come from this table. Defaults are the seed's.
 * The networks, losses and optimisers are `model` (libs/model's schema, `--set FIELD=VALUE`).
 */
export const TRAIN_SETTINGS = {
  preset: setting(z.string().min(1).default('paper').describe('network preset: paper, small or spec'), { name: 'preset', valueName: 'NAME' }),
  adversarial: setting(
    z.union([z.boolean(), z.enum(['t', 'f'])]).default('t').describe('adversarial training: a discriminator step then a generator step; f trains the generator alone'),
    { name: 'adversarial', short: 'a', valueName: 't|f' },
  ),
  steps: setting(everyN(500000, 'train until this many steps are done'), { name: 'steps', short: 's', valueName: 'N' }),
  seed: setting(z.int().default(0).describe('seeds the initial weights and the order clips are drawn in'), { name: 'seed', valueName: 'S' }),
  statsFreq: setting(everyN(10, 'print losses and the discriminator’s judgement every N steps'), { name: 'stats_freq', aliases: ['stats-freq'], valueName: 'N' }),
  summaryFreq: setting(everyN(100, 'write TensorBoard scalars and a metrics.jsonl row every N steps'), { name: 'summary_freq', aliases: ['summary-freq'], valueName: 'N' }),
  modelSaveFreq: setting(everyN(10000, 'write a checkpoint every N steps'), { name: 'model_save_freq', aliases: ['model-save-freq'], valueName: 'N' }),
  imgSaveFreq: setting(everyN(1000, 'save input, generated and true frames of the batch every N steps'), { name: 'img_save_freq', aliases: ['img-save-freq'], valueName: 'N' }),
  testFreq: setting(everyN(5000, 'predict the test frames recursively every N steps'), { name: 'test_freq', aliases: ['test-freq'], valueName: 'N' }),
  recursions: setting(everyN(1, 'frames predicted recursively in a test'), { name: 'recursions', short: 'r', valueName: 'N' }),
  keepLast: setting(z.int().min(1).default(3).describe('checkpoints kept besides one per keepEveryHours'), { name: 'keep-last', valueName: 'N' }),
  keepEveryHours: setting(z.number().positive().default(2).describe('also keep the first checkpoint of every this many hours'), { name: 'keep-every-hours', valueName: 'H' }),
  adversarialFineTune: setting(
    z
      .strictObject({ fromStep: z.int().min(1).describe("the main run's checkpoint to start from (saved and kept whatever modelSaveFreq and keepLast say)") })
      .optional()
      .describe(
        'after the main (non-adversarial) run, also train runs/<name>-adversarial: its generator from the main run at fromStep, a fresh discriminator, adversarially up to the same number of steps',
      ),
  ),
  model: setting(z.record(z.string(), z.unknown()).optional().describe('overrides of model, loss and optimiser fields (nextframe train --describe-model lists them all, with what each does)')),
};

type Table = typeof TRAIN_SETTINGS;

/**
 * A manifest's `stages.train`, and what a run uses once the manifest and the flags are merged:
 * every setting, each missing one at its default (a manifest says only what it changes).
 */
export const trainSettingsSchema = z.strictObject(
  Object.fromEntries(Object.entries(TRAIN_SETTINGS).map(([key, entry]) => [key, entry.schema])) as { [K in keyof Table]: Table[K]['schema'] },
);

export type TrainSettings = z.output<typeof trainSettingsSchema>;

/** The defaults of every training setting (`steps` 500000, `statsFreq` 10, …). */
export const TRAIN_DEFAULTS: TrainSettings = trainSettingsSchema.parse({});

/** `adversarial` as a boolean (`t`, `f` or a boolean in manifests and flags). */
export function isAdversarial(settings: Pick<TrainSettings, 'adversarial'>): boolean {
  return settings.adversarial === true || settings.adversarial === 't';
}
