import * as path from 'node:path';
import { BACKEND_OPTIONS, createProgress, numberOption, settingOptions, settingsFromFlags, type Command, type ParsedCommand } from '@nextframe/cli-kit';
import { UsageError } from '@nextframe/errors';
import { adversarialRunName, findWorkspaceRoot, isAdversarial, runFolder, loadManifest, datasetLayout, TRAIN_SETTINGS, trainSettingsSchema, type TrainSettings } from '@nextframe/manifest';
import { PRESETS, describeModelFields, parseModelField, parseModelOverrides, resolveModelConfig, type ModelConfig } from '@nextframe/model';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import { checkpointFolder } from '@nextframe/checkpoints';
import { runTraining } from './run-training';
import type { TrainOptions } from './train-options';

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train the multi-scale generator (and discriminator) on a clip store.',
  usage: 'nextframe train --clips DIR -n NAME [options]\n       nextframe train --manifest NAME [options]',
  details: `
Adversarial training (-a t): a discriminator step on one batch, then a generator step on the next;
-a f trains the generator alone. Writes runs/NAME/checkpoints/step-NNNNNNNNN/ (checkpoint.json +
weights.bin), runs/NAME/summaries/ (TensorBoard: tensorboard --logdir runs/NAME/summaries) and
runs/NAME/metrics.jsonl. Ctrl-C (or SIGTERM) writes a checkpoint and exits; --resume continues
from the newest checkpoint with the same step, optimiser state and data order.

Configuration: flags override the manifest's stages.train, which overrides the preset;
--set FIELD=VALUE overrides any model, loss or optimiser field (e.g. --set adversarialWeight=0.1,
--set residualScales=false); --print-config shows the result, --describe-model every field.`,
  options: {
    clips: { type: 'string', valueName: 'DIR', description: 'the clip store (default with --manifest: data/NAME/clips)' },
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'run name: outputs go to runs/NAME (default with --manifest: the manifest name)' },
    manifest: { type: 'string', short: 'm', valueName: 'NAME', description: 'take clips and options from data-manifests/NAME.json' },
    'batch-size': { type: 'string', valueName: 'N', description: 'clips per batch', defaultText: '8' },
    history: { type: 'string', valueName: 'N', description: 'input frames (the clips must hold N + 1)', defaultText: '4' },
    ...settingOptions(TRAIN_SETTINGS),
    ...BACKEND_OPTIONS,
    set: { type: 'string', multiple: true, valueName: 'FIELD=VALUE', description: 'override a model/loss/optimiser field (repeatable)' },
    load_path: { type: 'string', short: 'l', aliases: ['load-path'], valueName: 'DIR', description: 'start from the weights of this checkpoint folder' },
    resume: { type: 'boolean', description: 'continue from the newest checkpoint of this run' },
    overwrite: { type: 'boolean', short: 'O', description: 'delete this run’s earlier outputs first' },
    test_dir: { type: 'string', short: 't', aliases: ['test-dir'], valueName: 'DIR', description: 'folder of test videos’ frames (default with --manifest: data/NAME/frames/test)' },
    test_only: { type: 'boolean', short: 'T', aliases: ['test-only'], description: 'only run a test, with --resume’s newest checkpoint or --load_path' },
    'print-config': { type: 'boolean', description: 'print the resolved configuration as JSON and exit' },
    'describe-model': { type: 'boolean', description: 'print every model, loss and optimiser field (what --set takes) with its resolved value and what it does, and exit' },
  },
  examples: [
    'nextframe train --clips data/mine/clips -n mine -a t --preset paper',
    'nextframe train --manifest demo --preset small -s 2000 --set generatorLearningRate=0.0005',
    'nextframe train -n mine --clips data/mine/clips --resume',
  ],
  run: runTrain,
};

async function runTrain(parsed: ParsedCommand): Promise<number> {
  const options = await resolveTrainOptions(parsed);
  if (parsed.values['describe-model'] === true) {
    process.stdout.write(`${describeModelFields(options.model)}\n`);
    return 0;
  }
  if (parsed.values['print-config'] === true) {
    process.stdout.write(`${JSON.stringify(options, null, 2)}\n`);
    return 0;
  }
  const backend = await initBackend(
    typeof parsed.values.backend === 'string' ? parsed.values.backend : undefined,
    typeof parsed.values.threads === 'string' ? parsed.values.threads : undefined,
    { verbose: parsed.verbose },
  );
  process.stderr.write(`${describeBackend(backend)}\n`);
  let stopRequested = false;
  const onSignal = (signal: string) => {
    if (stopRequested) process.exit(130); // a second Ctrl-C: leave now
    stopRequested = true;
    process.stderr.write(`\n${signal}: stopping after this step and writing a checkpoint (Ctrl-C again to quit at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const runs = [options, ...(options.adversarialFineTune ? [fineTuneOptions(options, options.adversarialFineTune.fromStep)] : [])];
  try {
    for (const run of runs) {
      if (run !== options) process.stderr.write(`train: adversarial fine-tuning → runs/${run.name}\n`);
      const code = await trainOne(run, () => stopRequested);
      if (code !== 0 || stopRequested) return code;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The adversarial fork of a finished non-adversarial run: its generator at `fromStep`, a fresh discriminator, the same number of steps in all. */
export function fineTuneOptions(main: TrainOptions, fromStep: number): TrainOptions {
  if (main.adversarial) throw new UsageError('stages.train.adversarialFineTune needs a non-adversarial main run (adversarial: "f")');
  if (fromStep >= main.steps) throw new UsageError(`stages.train.adversarialFineTune.fromStep ${fromStep} must be below steps ${main.steps}`);
  const name = adversarialRunName(main.name);
  return {
    ...main,
    name,
    runDir: path.join(path.dirname(main.runDir), name),
    adversarial: true,
    loadPath: checkpointFolder(main.runDir, fromStep),
    adversarialFineTune: undefined,
  };
}

async function trainOne(options: TrainOptions, stopRequested: () => boolean): Promise<number> {
  const progress = createProgress({ label: 'train', total: options.steps, unit: 'steps', fields: ['rate'], fieldLabels: { rate: 'steps/s' } });
  let first: { step: number; at: number } | undefined;
  try {
    const result = await runTraining(options, {
      log: (line) => progress.log(line),
      shouldStop: stopRequested,
      onStart: (step) => progress.startFrom(step),
      onStep: (step) => {
        first ??= { step, at: Date.now() }; // measured from the first finished step, after set-up
        const seconds = (Date.now() - first.at) / 1000;
        progress.update(step, { rate: seconds > 0 ? ((step - first.step) / seconds).toFixed(2) : '–' });
      },
    });
    progress.stop();
    const where = result.lastCheckpoint ? path.relative(process.cwd(), result.lastCheckpoint) : 'no checkpoint';
    process.stdout.write(
      result.reason === 'stopped'
        ? `train: stopped at step ${result.step}; checkpoint ${where}; continue with --resume\n`
        : `train: ${result.step} steps done; checkpoint ${where}\n`,
    );
    return 0;
  } finally {
    progress.stop();
  }
}

type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Flags override the manifest's stages.train, which overrides the defaults (one table: TRAIN_SETTINGS). */
export async function resolveTrainOptions(parsed: ParsedCommand): Promise<TrainOptions> {
  const v = parsed.values as FlagValues;
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const where = await runPlaces(str);
  const { preset, adversarial, model, ...settings } = trainSettingsSchema.parse({ ...where.manifestTrain, ...settingsFromFlags(TRAIN_SETTINGS, parsed) });
  return {
    ...settings,
    clipsDir: path.resolve(where.clipsDir),
    runDir: runFolder(path.resolve(where.runsRoot), where.name),
    name: where.name,
    model: resolveModel(v, str, preset, model),
    adversarial: isAdversarial({ adversarial }),
    testDir: where.testDir ? path.resolve(where.testDir) : undefined,
    testOnly: v.test_only === true,
    resume: v.resume === true,
    overwrite: v.overwrite === true,
    loadPath: str('load_path') ? path.resolve(str('load_path') as string) : undefined,
  };
}

/** The clips, the run's name and folder root, the test frames and the manifest's stages.train: from flags, else from --manifest. */
async function runPlaces(str: (name: string) => string | undefined) {
  let manifestTrain: Partial<TrainSettings> = {};
  let clipsDir = str('clips');
  let name = str('name');
  let runsRoot = process.cwd();
  let testDir = str('test_dir');
  if (str('manifest')) {
    runsRoot = findWorkspaceRoot();
    const loaded = await loadManifest(str('manifest') as string, findWorkspaceRoot());
    manifestTrain = loaded.manifest.stages.train;
    clipsDir ??= datasetLayout(loaded).clipsDir;
    testDir ??= path.join(datasetLayout(loaded).framesDir, 'test');
    name ??= loaded.manifest.name;
  }
  if (!clipsDir) throw new UsageError('--clips DIR is required (or --manifest NAME)');
  if (!name) throw new UsageError('-n/--name NAME is required: outputs go to runs/NAME');
  return { manifestTrain, clipsDir, name, runsRoot, testDir };
}

/** The preset, then the manifest's stages.train.model, then --batch-size, --history and each --set, checked by the model's schema. */
function resolveModel(v: FlagValues, str: (name: string) => string | undefined, preset: string, manifestModel: TrainSettings['model']): ModelConfig {
  if (!PRESETS[preset]) throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${preset}'`);
  let overrides: Partial<ModelConfig> = {};
  try {
    overrides = parseModelOverrides(manifestModel ?? {});
  } catch (error) {
    throw new UsageError(`${str('manifest')}: stages.train.model.${(error as Error).message}`);
  }
  const batchSize = numberOption('batch-size', str('batch-size'), { integer: true, min: 1 });
  if (batchSize !== undefined) overrides.batchSize = batchSize;
  const history = numberOption('history', str('history'), { integer: true, min: 1 });
  if (history !== undefined) overrides.historyLength = history;
  Object.assign(overrides, setAssignments((v.set as string[] | undefined) ?? []));
  try {
    return resolveModelConfig(preset, overrides);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `--set FIELD=VALUE`, each value JSON where it parses (else a string), each checked by the model's schema. */
function setAssignments(assignments: readonly string[]): Partial<ModelConfig> {
  const fields: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(assignment);
    if (!match) throw new UsageError(`--set needs FIELD=VALUE, got '${assignment}'`);
    const [, field, raw] = match;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    try {
      fields[field] = parseModelField(field, value);
    } catch (error) {
      throw new UsageError(`--set ${assignment}: ${(error as Error).message}`);
    }
  }
  return fields as Partial<ModelConfig>;
}
