import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadTrainedModel } from '@nextframe/checkpoints';
import { numberOption, stringValues, type Command, type ParsedCommand } from '@nextframe/cli-kit';
import { NextframeError, UsageError, guardWrite } from '@nextframe/errors';
import { createStagingDir, type StagingDir } from '@nextframe/files';
import { runFolder } from '@nextframe/manifest';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import type { CheckpointContent } from '@nextframe/model';
import { exportedModelFiles } from './export-model';
import { serveFolder } from './serve-folder';
import { writeSampleClips, writeSampleList, writeWebPage, type SampleClip } from './web-page';

/** Sample clips the page gets by default, and how many frames each has beyond the history. */
const SAMPLE_CLIPS = 4;
const SAMPLE_STEPS = 16;

export const exportCommand: Command = {
  name: 'export',
  summary: "Export a trained generator as a TF.js layers model (tf.loadLayersModel loads it, no nextframe code) and a page that runs it.",
  usage: 'nextframe export -n NAME --out DIR\n       nextframe export -l CHECKPOINT_DIR --out DIR',
  details: `
Writes DIR/model/model.json and DIR/model/weights.bin: the generator in standard TF.js layers
(AveragePooling2D, UpSampling2D, Conv2D, Concatenate, Add). Input [batch, H, W, 3·history] in
[-1, 1], oldest frame first, H and W multiples of 8 (4 scales; pad other sizes by mirroring and
crop the prediction back, as nextframe and the page do); output the next frame [batch, H, W, 3]
in [-1, 1]. model.json's userDefinedMetadata.nextframe has the history length,
pixel range, size multiple, the training run's config and step. A generator no standard layer
expresses (a flow, its constant-velocity prior, bilinear downsampling) is written instead as
format "nextframe-generator": its weights by parameter key and DIR/model/generator.js, nextframe's
own generator code bundled for the browser (globalThis.nextframeGenerator.generatorFromWeights(
config, tf.io.decodeWeights(...))), which the page loads. DIR is written whole or not at all.

Also DIR/index.html: a page that loads the model in the browser (TF.js webgpu, else webgl, else
wasm, else cpu — a GPU drawn in software is passed over for wasm; ?backend=wasm forces one), takes
the first frames of a video file you pick or of a sample clip, predicts frames recursively and
shows them beside the truth with PSNR per step, against copying the last frame, a blank frame and
the mean of the inputs. The sample clips are the first videos of the run's own test frames (the
-t/--test_dir it trained with), or of --sample. Any static file server serves the folder; --serve
starts one on 127.0.0.1 and prints the URL.`,
  options: {
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'the run to export (runs/NAME, its newest checkpoint)' },
    checkpoint: { type: 'string', short: 'l', aliases: ['load_path'], valueName: 'DIR', description: 'a checkpoint folder instead of a run' },
    out: { type: 'string', short: 'o', valueName: 'DIR', description: 'the export folder (replaced whole)' },
    sample: { type: 'string', valueName: 'DIR', description: "the page's sample clips: a folder of frame folders (e.g. data/demo/frames/test) or of PNG frames", defaultText: "the run's test frames" },
    'sample-clips': { type: 'string', valueName: 'K', description: 'how many of its videos (first in name order), each its first history + 16 frames', defaultText: String(SAMPLE_CLIPS) },
    serve: { type: 'boolean', description: 'then serve DIR on 127.0.0.1 until Ctrl-C and print the URL' },
    port: { type: 'string', valueName: 'N', description: 'the port of --serve (0: any free port)', defaultText: '8080' },
    backend: { type: 'string', valueName: 'NAME', description: 'auto, tensorflow, wasm or cpu (env NEXTFRAME_BACKEND)', defaultText: 'auto' },
  },
  examples: ['nextframe export -n demo --out dist/demo-web --serve', 'nextframe export -l runs/mine/checkpoints/step-000050000 --out dist/mine-web --sample data/mine/frames/test'],
  run: runExport,
};

async function runExport(parsed: ParsedCommand): Promise<number> {
  const str = stringValues(parsed);
  const name = str('name');
  const checkpointDir = str('checkpoint');
  const out = str('out');
  if (!name && !checkpointDir) throw new UsageError('-n/--name NAME or -l/--load_path CHECKPOINT_DIR is required');
  if (!out) throw new UsageError('--out DIR is required');
  const port = numberOption('port', str('port'), { integer: true, min: 0, max: 65535 }) ?? 8080;
  const sampleClips = numberOption('sample-clips', str('sample-clips'), { integer: true, min: 0 }) ?? SAMPLE_CLIPS;
  const source = checkpointDir ? path.resolve(checkpointDir) : runFolder(path.resolve('.'), name as string);
  const checkpoint = await loadTrainedModel(source);
  const sample = await sampleSource(str('sample'), checkpoint.manifest.trainer?.testDir);
  // The export folder is staged beside its final place and renamed in whole.
  const target = path.resolve(out);
  let staging: StagingDir;
  try {
    staging = await createStagingDir(target);
  } catch (error) {
    throw new NextframeError(`cannot write here (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: out });
  }
  let written: { files: Awaited<ReturnType<typeof exportedModelFiles>>; clips: SampleClip[] };
  try {
    process.stderr.write(`${describeBackend(await initBackend(str('backend'), '1', { verbose: parsed.verbose }))}\n`);
    written = await writeExportFolder(checkpoint, name, staging.path, target, sample ? { dir: sample, clips: sampleClips } : undefined);
    await staging.commit();
  } catch (error) {
    await staging.discard();
    throw error;
  }
  const { files, clips } = written;
  const bytes = files['weights.bin'].byteLength + Buffer.byteLength(files['model.json']) + (files['generator.js'] ? Buffer.byteLength(files['generator.js']) : 0);
  process.stdout.write(`export: step ${checkpoint.manifest.step} of ${name ?? checkpointDir} → ${path.join(out, 'model', 'model.json')} (${(bytes / 1e6).toFixed(1)} MB) and ${path.join(out, 'index.html')}\n`);
  process.stdout.write(
    clips.length
      ? `export: ${clips.length} sample clip${clips.length === 1 ? '' : 's'} from ${path.relative(process.cwd(), sample as string) || '.'} (${clips.map((c) => c.name).join(', ')})\n`
      : `export: no sample clips (${sampleClips === 0 ? '--sample-clips 0' : "the run names no test frames that exist here"}; --sample FRAMES adds some); the page predicts video files\n`,
  );
  if (parsed.values.serve) await serveUntilStopped(target, port, out);
  return 0;
}

/** The model files, the page and its sample clips (none: an empty list) into the staging folder `dir`; errors name the place in `target`. */
async function writeExportFolder(
  checkpoint: CheckpointContent,
  name: string | undefined,
  dir: string,
  target: string,
  sample: { dir: string; clips: number } | undefined,
): Promise<{ files: Awaited<ReturnType<typeof exportedModelFiles>>; clips: SampleClip[] }> {
  const files = await exportedModelFiles(checkpoint, name);
  const modelDir = path.join(dir, 'model');
  await fs.mkdir(modelDir);
  for (const [file, content] of Object.entries(files)) {
    await guardWrite(path.join(target, 'model', file), () => fs.writeFile(path.join(modelDir, file), content));
  }
  await guardWrite(path.join(target, 'index.html'), () => writeWebPage(dir));
  if (!sample || sample.clips === 0) {
    // No sample clips: an empty list (the page disables its button; no request fails).
    await writeSampleList(dir);
    return { files, clips: [] };
  }
  const history = checkpoint.manifest.config.historyLength;
  const clips = await writeSampleClips(sample.dir, dir, { frames: history + SAMPLE_STEPS, clips: sample.clips }).catch((error: Error) => {
    if (error instanceof NextframeError) throw error;
    throw new NextframeError(`no sample clips here (${(error as NodeJS.ErrnoException).code ?? error.message})`, { file: sample.dir });
  });
  return { files, clips };
}

/** `--serve`: the export folder on 127.0.0.1 until Ctrl-C or SIGTERM. */
async function serveUntilStopped(target: string, port: number, out: string): Promise<void> {
  const server = await serveFolder(target, port).catch((error: NodeJS.ErrnoException) => {
    throw new NextframeError(`cannot serve on 127.0.0.1:${port} (${error.code ?? error.message})`, { file: out });
  });
  process.stdout.write(`export: serving ${out} at ${server.url} (Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}

/**
 * Where the page's sample clips come from: --sample, else the test frames the run trained with
 * (recorded in its checkpoints) when that folder is still there; undefined: none.
 */
async function sampleSource(option: string | undefined, recorded: unknown): Promise<string | undefined> {
  if (option) return path.resolve(option);
  if (typeof recorded !== 'string') return undefined;
  const stat = await fs.stat(recorded).catch(() => null);
  return stat?.isDirectory() ? recorded : undefined;
}
