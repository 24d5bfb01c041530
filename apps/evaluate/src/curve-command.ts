import * as path from 'node:path';
import { BACKEND_OPTIONS, createProgress, numberOption, stringValues, type Command, type ParsedCommand } from '@nextframe/cli-kit';
import { listFrameFolders } from '@nextframe/data';
import { UsageError } from '@nextframe/errors';
import { acquireRunLock } from '@nextframe/files';
import { datasetLayout, findWorkspaceRoot, loadManifest, runFolder, RUN_LAYOUT, RUNS_FOLDER, trainedRuns } from '@nextframe/manifest';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import { learningCurve, writeCurve } from './curve-run';
import { curveTable } from './learning-curve';

export const curveCommand: Command = {
  name: 'curve',
  summary: 'Draw a learning curve: every checkpoint of one or more runs evaluated on held-out frames.',
  usage: 'nextframe curve -n RUN[,RUN...] -t TEST_DIR [-r N] [options]\n       nextframe curve --manifest NAME [options]',
  details: `
Evaluates each checkpoint of each run (runs/RUN/checkpoints/step-*) on the same clips of the test
frames, as evaluate does but without pictures, and draws PSNR and SSIM per recursion step against
training steps, beside the trivial predictors (blank frame, copy-last, mean of inputs). Writes
curve.json, psnr.svg, ssim.svg, curve.png and report.html to --out (default runs/<first run>/curve).
Each evaluated checkpoint is kept in points/, so a rerun (after more training) evaluates only the
new ones. With --manifest: the runs its training writes, the test frames of the dataset its
stages.curve.heldout names.`,
  options: {
    name: { type: 'string', short: 'n', valueName: 'RUN[,RUN...]', description: 'the runs to follow (runs/RUN), comma-separated, in legend order' },
    test_dir: { type: 'string', short: 't', aliases: ['test-dir'], valueName: 'DIR', description: 'folder of held-out videos’ frames' },
    recursions: { type: 'string', short: 'r', valueName: 'N', description: 'frames predicted recursively', defaultText: '4' },
    'clips-per-video': { type: 'string', valueName: 'N', description: 'clips per test video, starts spread evenly over it', defaultText: '1' },
    out: { type: 'string', short: 'o', valueName: 'DIR', description: 'where the curve goes', defaultText: 'runs/<first run>/curve' },
    manifest: { type: 'string', short: 'm', valueName: 'NAME', description: 'runs and held-out frames of data-manifests/NAME.json (stages.curve)' },
    ...BACKEND_OPTIONS,
  },
  examples: ['nextframe curve --manifest mnist-curve', 'nextframe curve -n mine,mine-adversarial -t data/mine/frames/test -r 4 --clips-per-video 3'],
  run: runCurve,
};

async function runCurve(parsed: ParsedCommand): Promise<number> {
  const str = stringValues(parsed);
  let root = process.cwd();
  let names = str('name')?.split(',').map((n) => n.trim()).filter(Boolean);
  let testDir = str('test_dir');
  let stage: { recursions?: number; clipsPerVideo?: number } = {};
  if (str('manifest')) {
    root = findWorkspaceRoot();
    const loaded = await loadManifest(str('manifest') as string, root);
    const curve = loaded.manifest.stages.curve;
    if (!curve) throw new UsageError(`data-manifests/${loaded.manifest.name}.json has no stages.curve (its held-out dataset)`);
    names ??= trainedRuns(loaded.manifest);
    testDir ??= path.join(datasetLayout({ ...loaded, dataDir: path.resolve(root, 'data', curve.heldout) }).framesDir, 'test');
    stage = curve;
  }
  if (!names?.length) throw new UsageError('-n/--name RUN[,RUN...] is required (or --manifest NAME)');
  if (!testDir) throw new UsageError('-t/--test_dir DIR is required (or --manifest NAME)');
  const recursions = numberOption('recursions', str('recursions'), { integer: true, min: 1 }) ?? stage.recursions ?? 4;
  const clipsPerVideo = numberOption('clips-per-video', str('clips-per-video'), { integer: true, min: 1 }) ?? stage.clipsPerVideo ?? 1;
  const outDir = path.resolve(root, str('out') ?? path.join(RUNS_FOLDER, names[0], RUN_LAYOUT.curve));
  await listFrameFolders(path.resolve(testDir)); // a missing test folder fails before the backend starts
  process.stderr.write(`${describeBackend(await initBackend(str('backend'), str('threads'), { verbose: parsed.verbose }))}\n`);
  const lock = await acquireRunLock(`${outDir}.lock`, `nextframe curve -n ${names.join(',')}`);
  let progress: ReturnType<typeof createProgress> | undefined;
  try {
    const curve = await learningCurve({
      runs: names.map((name) => ({ name, dir: runFolder(path.resolve(root), name) })),
      testDir: path.resolve(testDir),
      recursions,
      clipsPerVideo,
      movingThreshold: 0.1,
      outDir,
      onProgress: (done, total, checkpoint) => {
        progress ??= createProgress({ label: 'curve', total, unit: 'checkpoints evaluated', fields: ['checkpoint'], fieldLabels: { checkpoint: '' } });
        progress.update(done, { checkpoint });
      },
    }).finally(() => progress?.stop());
    await writeCurve(outDir, curve);
    process.stdout.write(`curve: ${curve.runs.map((r) => `${r.name} (${r.points.length} checkpoints)`).join(', ')} → ${path.relative(process.cwd(), outDir) || '.'}/report.html, curve.png\n${curveTable(curve)}\n`);
    return 0;
  } finally {
    await lock.release();
  }
}
