import * as path from 'node:path';
import { BACKEND_OPTIONS, createProgress, numberOption, type Command, type ParsedCommand } from '@nextframe/cli-kit';
import { UsageError } from '@nextframe/errors';
import { findWorkspaceRoot, loadManifest, datasetLayout } from '@nextframe/manifest';
import { PRESETS, parseModelField, parseModelOverrides, resolveModelConfig, type ModelConfig } from '@nextframe/model';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import { checkpointFolder } from '@nextframe/checkpoints';
import { runTraining } from './run-training';
import { SEED_DEFAULTS, type TrainOptions } from './train-options';

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
--set residualScales=false); --print-config shows the result.`,
  options: {
    clips: { type: 'string', valueName: 'DIR', description: 'the clip store (default with --manifest: data/NAME/clips)' },
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'run name: outputs go to runs/NAME (default with --manifest: the manifest name)' },
    manifest: { type: 'string', short: 'm', valueName: 'NAME', description: 'take clips and options from data-manifests/NAME.json' },
    preset: { type: 'string', valueName: 'NAME', description: `network preset (${Object.keys(PRESETS).join(', ')})`, defaultText: 'paper' },
    adversarial: { type: 'string', short: 'a', valueName: 't|f', description: 'adversarial training', defaultText: 't' },
    steps: { type: 'string', short: 's', valueName: 'N', description: 'train until N steps are done', defaultText: '500000' },
    'batch-size': { type: 'string', valueName: 'N', description: 'clips per batch', defaultText: '8' },
    history: { type: 'string', valueName: 'N', description: 'input frames (the clips must hold N + 1)', defaultText: '4' },
    seed: { type: 'string', valueName: 'S', description: 'seeds initial weights and data order', defaultText: '0' },
    ...BACKEND_OPTIONS,
    set: { type: 'string', multiple: true, valueName: 'FIELD=VALUE', description: 'override a model/loss/optimiser field (repeatable)' },
    load_path: { type: 'string', short: 'l', aliases: ['load-path'], valueName: 'DIR', description: 'start from the weights of this checkpoint folder' },
    resume: { type: 'boolean', description: 'continue from the newest checkpoint of this run' },
    overwrite: { type: 'boolean', short: 'O', description: 'delete this run’s earlier outputs first' },
    stats_freq: { type: 'string', aliases: ['stats-freq'], valueName: 'N', description: 'print losses every N steps', defaultText: '10' },
    summary_freq: { type: 'string', aliases: ['summary-freq'], valueName: 'N', description: 'write TensorBoard scalars every N steps', defaultText: '100' },
    model_save_freq: { type: 'string', aliases: ['model-save-freq'], valueName: 'N', description: 'write a checkpoint every N steps', defaultText: '10000' },
    img_save_freq: { type: 'string', aliases: ['img-save-freq'], valueName: 'N', description: 'save input, generated and true frames of the batch every N steps', defaultText: '1000' },
    test_freq: { type: 'string', aliases: ['test-freq'], valueName: 'N', description: 'test on --test_dir every N steps', defaultText: '5000' },
    test_dir: { type: 'string', short: 't', aliases: ['test-dir'], valueName: 'DIR', description: 'folder of test videos’ frames (default with --manifest: data/NAME/frames/test)' },
    recursions: { type: 'string', short: 'r', valueName: 'N', description: 'frames predicted recursively in a test', defaultText: '1' },
    test_only: { type: 'boolean', short: 'T', aliases: ['test-only'], description: 'only run a test, with --resume’s newest checkpoint or --load_path' },
    'keep-last': { type: 'string', valueName: 'N', description: 'checkpoints kept besides one per --keep-every-hours', defaultText: '3' },
    'keep-every-hours': { type: 'string', valueName: 'H', description: 'also keep the first checkpoint of every H hours', defaultText: '2' },
    'print-config': { type: 'boolean', description: 'print the resolved configuration as JSON and exit' },
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
  const name = `${main.name}-adversarial`;
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

/** Flags override the manifest's stages.train, which overrides the preset. */
export async function resolveTrainOptions(parsed: ParsedCommand): Promise<TrainOptions> {
  const v = parsed.values as FlagValues;
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const where = await runPlaces(str);
  const manifestTrain = where.manifestTrain;
  const fromManifest = (key: string) => manifestTrain[key] as number | string | boolean | undefined;
  const model = resolveModel(v, str, manifestTrain);
  const adversarialText = str('adversarial') ?? String(fromManifest('adversarial') ?? 't');
  if (!['t', 'f', 'true', 'false'].includes(adversarialText)) throw new UsageError(`-a/--adversarial must be t or f, got '${adversarialText}'`);
  const int = (flag: string, key: string, fallback: number) =>
    numberOption(flag, str(flag), { integer: true, min: 1 }) ?? (fromManifest(key) as number | undefined) ?? fallback;
  return {
    clipsDir: path.resolve(where.clipsDir),
    runDir: path.resolve(where.runsRoot, 'runs', where.name),
    name: where.name,
    model,
    adversarial: adversarialText.startsWith('t'),
    steps: int('steps', 'steps', 500000),
    seed: numberOption('seed', str('seed'), { integer: true }) ?? (fromManifest('seed') as number | undefined) ?? 0,
    statsFreq: int('stats_freq', 'statsFreq', SEED_DEFAULTS.statsFreq),
    summaryFreq: int('summary_freq', 'summaryFreq', SEED_DEFAULTS.summaryFreq),
    modelSaveFreq: int('model_save_freq', 'modelSaveFreq', SEED_DEFAULTS.modelSaveFreq),
    imgSaveFreq: int('img_save_freq', 'imgSaveFreq', SEED_DEFAULTS.imgSaveFreq),
    testFreq: int('test_freq', 'testFreq', SEED_DEFAULTS.testFreq),
    testDir: where.testDir ? path.resolve(where.testDir) : undefined,
    recursions: int('recursions', 'recursions', SEED_DEFAULTS.recursions),
    testOnly: v.test_only === true,
    keepLast: int('keep-last', 'keepLast', SEED_DEFAULTS.keepLast),
    keepEveryHours:
      numberOption('keep-every-hours', str('keep-every-hours'), { min: 0, exclusiveMin: true }) ?? (fromManifest('keepEveryHours') as number | undefined) ?? SEED_DEFAULTS.keepEveryHours,
    resume: v.resume === true,
    overwrite: v.overwrite === true,
    loadPath: str('load_path') ? path.resolve(str('load_path') as string) : undefined,
    adversarialFineTune: manifestTrain.adversarialFineTune as TrainOptions['adversarialFineTune'],
  };
}

/** The clips, the run's name and folder root, the test frames and the manifest's stages.train: from flags, else from --manifest. */
async function runPlaces(str: (name: string) => string | undefined) {
  let manifestTrain: Record<string, unknown> = {};
  let clipsDir = str('clips');
  let name = str('name');
  let runsRoot = process.cwd();
  let testDir = str('test_dir');
  if (str('manifest')) {
    runsRoot = findWorkspaceRoot();
    const loaded = await loadManifest(str('manifest') as string, findWorkspaceRoot());
    manifestTrain = loaded.manifest.stages.train as Record<string, unknown>;
    clipsDir ??= datasetLayout(loaded).clipsDir;
    testDir ??= path.join(datasetLayout(loaded).framesDir, 'test');
    name ??= loaded.manifest.name;
  }
  if (!clipsDir) throw new UsageError('--clips DIR is required (or --manifest NAME)');
  if (!name) throw new UsageError('-n/--name NAME is required: outputs go to runs/NAME');
  return { manifestTrain, clipsDir, name, runsRoot, testDir };
}

/** The preset, then the manifest's stages.train.model, then --batch-size, --history and each --set, checked by the model's schema. */
function resolveModel(v: FlagValues, str: (name: string) => string | undefined, manifestTrain: Record<string, unknown>): ModelConfig {
  const preset = str('preset') ?? (manifestTrain.preset as string | undefined) ?? 'paper';
  if (!PRESETS[preset]) throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${preset}'`);
  let overrides: Partial<ModelConfig> = {};
  try {
    overrides = parseModelOverrides(manifestTrain.model ?? {});
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
