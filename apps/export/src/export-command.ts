import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadTrainedModel } from '@nextframe/checkpoints';
import { type Command, type ParsedCommand } from '@nextframe/cli-kit';
import { NextframeError, UsageError, guardWrite } from '@nextframe/errors';
import { createStagingDir, type StagingDir } from '@nextframe/files';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import { exportedModelFiles } from './export-model';
import { serveFolder } from './serve-folder';
import { writeSampleClip, writeSampleList, writeWebPage } from './web-page';

export const exportCommand: Command = {
  name: 'export',
  summary: "Export a trained generator as a TF.js layers model (tf.loadLayersModel loads it, no nextframe code).",
  usage: 'nextframe export -n NAME --out DIR\n       nextframe export -l CHECKPOINT_DIR --out DIR',
  details: `
Writes DIR/model/model.json and DIR/model/weights.bin: the generator in standard TF.js layers
(AveragePooling2D, UpSampling2D, Conv2D, Concatenate, Add). Input [batch, H, W, 3·history] in
[-1, 1], oldest frame first, H and W multiples of 8 (4 scales); output the next frame
[batch, H, W, 3] in [-1, 1]. model.json's userDefinedMetadata.nextframe has the history length,
pixel range, size multiple, the training run's config and step. DIR is written whole or not at all.

Also DIR/index.html: a page that loads the model in the browser (TF.js webgl, else wasm, else
cpu; ?backend=wasm forces one), takes the first frames of a video file you pick (or of the sample
clip, --sample), predicts frames recursively and shows them beside the truth with PSNR per step,
against copying the last frame and a blank frame. Any static file server serves it; --serve starts
one on 127.0.0.1 and prints the URL.`,
  options: {
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'the run to export (runs/NAME, its newest checkpoint)' },
    checkpoint: { type: 'string', short: 'l', aliases: ['load_path'], valueName: 'DIR', description: 'a checkpoint folder instead of a run' },
    out: { type: 'string', short: 'o', valueName: 'DIR', description: 'the export folder (replaced whole)' },
    sample: { type: 'string', valueName: 'DIR', description: "the page's sample clip: a folder of PNG frames, or of frame folders (its first), e.g. data/demo/frames/test" },
    serve: { type: 'boolean', description: 'then serve DIR on 127.0.0.1 until Ctrl-C and print the URL' },
    port: { type: 'string', valueName: 'N', description: 'the port of --serve', defaultText: '8080' },
    backend: { type: 'string', valueName: 'NAME', description: 'auto, tensorflow, wasm or cpu (env NEXTFRAME_BACKEND)', defaultText: 'auto' },
  },
  examples: ['nextframe export -n demo-adversarial --out dist/demo-web --sample data/demo/frames/test --serve'],
  run: runExport,
};

async function runExport(parsed: ParsedCommand): Promise<number> {
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const str = (key: string) => (typeof v[key] === 'string' ? (v[key] as string) : undefined);
  const name = str('name');
  const checkpointDir = str('checkpoint');
  const out = str('out');
  if (!name && !checkpointDir) throw new UsageError('-n/--name NAME or -l/--load_path CHECKPOINT_DIR is required');
  if (!out) throw new UsageError('--out DIR is required');
  const source = checkpointDir ? path.resolve(checkpointDir) : path.resolve('runs', name as string);
  const checkpoint = await loadTrainedModel(source);
  if (checkpoint.manifest.config.downsampling !== 'area') {
    throw new NextframeError(`the model downsamples with '${checkpoint.manifest.config.downsampling}', which no standard TF.js layer does exactly (only 'area' exports)`, { file: source });
  }
  // The export folder is staged beside its final place and renamed in whole.
  const target = path.resolve(out);
  let staging: StagingDir;
  try {
    staging = await createStagingDir(target);
  } catch (error) {
    throw new NextframeError(`cannot write here (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: out });
  }
  let files: Awaited<ReturnType<typeof exportedModelFiles>>;
  try {
    process.stderr.write(`${describeBackend(await initBackend(str('backend'), '1'))}\n`);
    files = await exportedModelFiles(checkpoint, name);
    const modelDir = path.join(staging.path, 'model');
    await fs.mkdir(modelDir);
    for (const [file, content] of Object.entries(files)) {
      await guardWrite(path.join(target, 'model', file), () => fs.writeFile(path.join(modelDir, file), content));
    }
    await guardWrite(path.join(target, 'index.html'), () => writeWebPage(staging.path));
    const sample = str('sample');
    // No sample clip: an empty list (the page disables its button; no request fails).
    if (!sample) await writeSampleList(staging.path);
    if (sample) {
      await writeSampleClip(path.resolve(sample), staging.path, checkpoint.manifest.config.historyLength + 8).catch((error: Error) => {
        throw new NextframeError(`no sample clip here (${(error as NodeJS.ErrnoException).code ?? error.message})`, { file: sample });
      });
    }
    await staging.commit();
  } catch (error) {
    await staging.discard();
    throw error;
  }
  const bytes = files['weights.bin'].byteLength + Buffer.byteLength(files['model.json']);
  process.stdout.write(`export: step ${checkpoint.manifest.step} of ${name ?? checkpointDir} → ${path.join(out, 'model', 'model.json')} (${(bytes / 1e6).toFixed(1)} MB) and ${path.join(out, 'index.html')}\n`);
  if (!v.serve) return 0;
  const server = await serveFolder(target, Number(str('port') ?? 8080));
  process.stdout.write(`export: serving ${out} at ${server.url} (Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
