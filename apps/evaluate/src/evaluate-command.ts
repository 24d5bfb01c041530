import * as path from 'node:path';
import { loadTrainedModel } from '@nextframe/checkpoints';
import { BACKEND_OPTIONS, createProgress, numberOption, stringValues, type Command, type ParsedCommand } from '@nextframe/cli-kit';
import { listFrameFolders } from '@nextframe/data';
import { UsageError } from '@nextframe/errors';
import { acquireRunLock, createStagingDir, removeStaleStagingDirs } from '@nextframe/files';
import { datasetLayout, findWorkspaceRoot, loadManifest, runFolder, RUN_LAYOUT, type EvaluateStageParams } from '@nextframe/manifest';
import { DEFAULT_TILE_SIZE, type CheckpointContent } from '@nextframe/model';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import { evaluateRun, type EvaluationReport } from './evaluate-run';
import { summaryTable } from './summary-table';
import { writeReport } from './report-html';

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'Evaluate recursive predictions of a trained model on test frames: metrics, pictures, report.',
  usage: 'nextframe evaluate -n NAME -t TEST_DIR [-r N] [options]\n       nextframe evaluate --manifest NAME [options]',
  details: `
For each test video: its first history frames go in, -r frames are predicted recursively (each
prediction replaces the oldest input) and compared with the true frames: PSNR, sharpness
difference, SSIM and PSNR inside moving areas per recursion step, for the model, for the three
trivial predictors (copying the last input frame, a blank frame, the mean of the inputs) and for
--compare RUN. Writes runs/NAME/eval/metrics.json, clips/<video>.png
strips (inputs | predictions | truth), plots/<metric>.svg and a self-contained report.html.

Also clips/<video>.gif: the inputs, then prediction | truth per step, animated (ffmpeg).
Frames larger than --tile (plus the network's reach, 100 px, on each side) are predicted tile by
tile with that much context around each tile: the same pixels as the whole frame, in bounded
memory (a 1920×1080 frame through the paper network does not fit in wasm's 4 GiB otherwise).`,
  options: {
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'the run to evaluate (runs/NAME, its newest checkpoint)' },
    checkpoint: { type: 'string', short: 'l', aliases: ['load_path'], valueName: 'DIR', description: 'a checkpoint folder instead of the run’s newest' },
    test_dir: { type: 'string', short: 't', aliases: ['test-dir'], valueName: 'DIR', description: 'folder of test videos’ frames (default with --manifest: data/NAME/frames/test)' },
    recursions: { type: 'string', short: 'r', valueName: 'N', description: 'frames predicted recursively', defaultText: '4' },
    compare: { type: 'string', valueName: 'RUN', description: 'also evaluate this run (e.g. the non-adversarial one) as a baseline' },
    manifest: { type: 'string', short: 'm', valueName: 'NAME', description: 'run and test frames of data-manifests/NAME.json' },
    'moving-threshold': { type: 'string', valueName: 'X', description: 'a pixel is moving when it changes by more than X (0–1) from the last input', defaultText: '0.1' },
    'clips-per-video': { type: 'string', valueName: 'N', description: 'clips per test video, starts spread evenly over it (1: from its first frame)', defaultText: '1' },
    tile: { type: 'string', valueName: 'PX', description: 'predict large frames in tiles of this side; 0: always whole frames', defaultText: String(DEFAULT_TILE_SIZE) },
    ...BACKEND_OPTIONS,
  },
  examples: ['nextframe evaluate -n mine -t data/mine/frames/test -r 16', 'nextframe evaluate -n demo-adversarial -t data/demo/frames/test --compare demo'],
  run: runEvaluate,
};

async function runEvaluate(parsed: ParsedCommand): Promise<number> {
  const str = stringValues(parsed);
  let name = str('name');
  let testDir = str('test_dir');
  let root = process.cwd();
  let stage: EvaluateStageParams = {};
  if (str('manifest')) {
    root = findWorkspaceRoot();
    const loaded = await loadManifest(str('manifest') as string, root);
    name ??= loaded.manifest.name;
    testDir ??= path.join(datasetLayout(loaded).framesDir, 'test');
    stage = loaded.manifest.stages.evaluate;
  }
  if (!name) throw new UsageError('-n/--name NAME is required (outputs go to runs/NAME/eval)');
  if (!testDir) throw new UsageError('-t/--test_dir DIR is required (or --manifest NAME)');
  const runDir = runFolder(path.resolve(root), name);
  const evaluated = stage.run && !str('checkpoint') ? stage.run : name;
  const checkpoint = await loadTrainedModel(str('checkpoint') ? path.resolve(str('checkpoint') as string) : runFolder(path.resolve(root), evaluated));
  const compareName = str('compare') ?? stage.compare;
  const compare = compareName ? { name: compareName, checkpoint: await loadTrainedModel(runFolder(path.resolve(root), compareName)) } : undefined;
  const recursions = numberOption('recursions', str('recursions'), { integer: true, min: 1 }) ?? stage.recursions ?? 4;
  const movingThreshold = numberOption('moving-threshold', str('moving-threshold'), { min: 0, max: 1 }) ?? stage.movingThreshold ?? 0.1;
  const clipsPerVideo = numberOption('clips-per-video', str('clips-per-video'), { integer: true, min: 1 }) ?? stage.clipsPerVideo ?? 1;
  const tileSize = numberOption('tile', str('tile'), { integer: true, min: 0 }) ?? stage.tileSize ?? DEFAULT_TILE_SIZE;
  await listFrameFolders(path.resolve(testDir)); // a missing or unreadable test folder fails here, before the backend starts
  process.stderr.write(`${describeBackend(await initBackend(str('backend'), str('threads'), { verbose: parsed.verbose }))}\n`);
  // Everything is written into a staging folder that replaces runs/NAME/eval only when complete:
  // a failed or killed evaluation leaves the previous one as it was.
  const outDir = path.join(runDir, RUN_LAYOUT.eval);
  // One writer of runs/NAME/eval at a time (training the same run meanwhile is fine).
  const lock = await acquireRunLock(path.join(runDir, 'eval.lock'), `nextframe evaluate -n ${name}`);
  try {
    return await evaluateLocked({ runDir, outDir, name: evaluated, checkpoint, compare, testDir, recursions, movingThreshold, clipsPerVideo, tileSize });
  } finally {
    await lock.release();
  }
}

async function evaluateLocked(args: {
  runDir: string;
  outDir: string;
  name: string;
  checkpoint: CheckpointContent;
  compare?: { name: string; checkpoint: CheckpointContent };
  testDir: string;
  recursions: number;
  movingThreshold: number;
  clipsPerVideo: number;
  tileSize: number;
}): Promise<number> {
  const { runDir, outDir, name, checkpoint, compare, testDir, recursions, movingThreshold, clipsPerVideo, tileSize } = args;
  await removeStaleStagingDirs(runDir);
  const staging = await createStagingDir(outDir);
  let progress: ReturnType<typeof createProgress> | undefined;
  let report: EvaluationReport;
  try {
    report = await evaluateRun({
      checkpoint,
      compare,
      modelName: name,
      testDir: path.resolve(testDir),
      recursions,
      outDir: staging.path,
      movingThreshold,
      clipsPerVideo,
      tileSize,
      onProgress: (done, total, video) => {
        progress ??= createProgress({ label: 'evaluate', total, unit: 'frames predicted', fields: ['video'], fieldLabels: { video: '' } });
        progress.update(done, { video });
      },
    }).finally(() => progress?.stop());
    const title = `nextframe evaluation: ${name} (step ${checkpoint.manifest.step}, ${checkpoint.manifest.config.preset} preset)`;
    await writeReport(staging.path, report, title);
    await staging.commit();
  } catch (error) {
    await staging.discard();
    throw error;
  }
  process.stdout.write(`evaluate: ${report.clips.length} clips, ${recursions} recursions → ${path.relative(process.cwd(), outDir) || '.'}/report.html\n${summaryTable(report)}`);
  return 0;
}

