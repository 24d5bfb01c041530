/**
 * Crop and clip-reading speed (issue #3). Not a test: run it on an idle machine and read the numbers.
 *   npx nx run bench:crop            (or: node --require tsx/cjs tools/bench/src/crop-bench.ts [--clips N])
 *
 * 1. clips/s cutting 32×32×5 clips from the demo's frames (64×64 and 96×64);
 * 2. clips/s from 210×160 frames (the Ms. Pac-Man frame size of the seed's dataset), made by
 *    scaling the demo videos with ffmpeg;
 * 3. ms per training batch (8 clips → float32 [8, 32, 32, 15]) read at random through the
 *    prefetching iterator, against the 2.1 s a non-adversarial generator step takes on this kind of
 *    machine (PyTorch 1.13 CPU reference, docs/model-spec.md).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClipStore, DEFAULT_CROP_SETTINGS, cropClips } from '@nextframe/data';
import { findWorkspaceRoot, generatedVideos, loadManifest, datasetLayout, type GeneratorSource } from '@nextframe/manifest';
import { resolveFfmpeg, runFfmpeg } from '@nextframe/media';

const REFERENCE_STEP_MS = 2100;

async function main(): Promise<void> {
  const clipCount = Number(process.argv[process.argv.indexOf('--clips') + 1]) || 50000;
  const root = findWorkspaceRoot();
  const loaded = await loadManifest('demo', root);
  const layout = datasetLayout(loaded);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-bench-'));
  try {
    // Demo-sized frames, as the video generators made them (extracted here with ffmpeg).
    const videos = loaded.manifest.sources
      .filter((s): s is GeneratorSource => s.kind === 'generator')
      .flatMap((s) => generatedVideos(s, layout.generatedVideosDir));
    const demoFrames = path.join(work, 'demo-frames');
    const pacmanFrames = path.join(work, 'frames-210x160');
    const ffmpeg = resolveFfmpeg().path;
    for (const video of videos) {
      for (const [dir, filter] of [[demoFrames, 'null'], [pacmanFrames, 'scale=210:160:flags=bicubic']] as const) {
        await fs.mkdir(path.join(dir, video.name), { recursive: true });
        await runFfmpeg({ binary: ffmpeg, args: ['-i', video.file, '-vf', filter, '-pix_fmt', 'rgb24', path.join(dir, video.name, '%06d.png')] });
      }
    }
    const frameCount = videos.length * Number((await fs.readdir(path.join(demoFrames, videos[0].name))).length);
    const results: Record<string, unknown> = { machine: `${os.cpus().length} × ${os.cpus()[0]?.model}`, node: process.version, clipCount };

    for (const [label, framesDir] of [['demo frames (64×64, 96×64)', demoFrames], ['210×160 frames', pacmanFrames]] as const) {
      const storeDir = path.join(work, `store-${path.basename(framesDir)}`);
      const started = process.hrtime.bigint();
      await cropClips({ framesDir, storeDir, clipCount, seed: 1, settings: DEFAULT_CROP_SETTINGS, overwrite: true });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      results[label] = { frames: frameCount, seconds: round(seconds), clipsPerSecond: Math.round(clipCount / seconds) };
      console.log(`crop, ${label}: ${clipCount} clips from ${frameCount} frames in ${seconds.toFixed(2)} s = ${Math.round(clipCount / seconds)} clips/s`);
    }

    const store = await ClipStore.open(path.join(work, 'store-frames-210x160'));
    const batches = 2000;
    const iterator = store.batches({ batchSize: 8, seed: 1 });
    await iterator.next(); // open shards, fill the prefetch queue
    const started = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) await iterator.next();
    const msPerBatch = Number(process.hrtime.bigint() - started) / 1e6 / batches;
    await iterator.return(undefined);
    await store.close();
    const ratio = REFERENCE_STEP_MS / msPerBatch;
    results.batchReading = { batchSize: 8, msPerBatch: round(msPerBatch), referenceStepMs: REFERENCE_STEP_MS, timesFasterThanStep: Math.round(ratio) };
    console.log(`read: ${msPerBatch.toFixed(3)} ms per batch of 8 (random order, prefetched) = ${Math.round(ratio)}× faster than a ${REFERENCE_STEP_MS} ms training step`);
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
