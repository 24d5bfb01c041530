/**
 * Whole-frame vs tiled inference of the generator (issue #6). Not a test.
 *   npx nx run bench:tiles            (or: node --require tsx/cjs tools/bench/src/tiles-bench.ts [--preset small] [--size 640x480])
 *
 * For one history of the given frame size: ms per prediction and peak tensor memory (tf.profile)
 * predicting the frame whole and in tiles of 128, 256 and 384 px (each with the network's reach as
 * margin), and the largest difference of a tiled prediction from the whole one (it should be
 * float rounding only). The reference is the whole-frame prediction: tiles trade time (margins are
 * computed more than once) for memory that grows with the tile instead of the frame.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createGenerator, generatorReach, predictFrame, resolveModelConfig } from '@nextframe/model';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import { argument } from './bench-args';

async function main(): Promise<void> {
  const backend = await initBackend(argument('backend') ?? 'wasm');
  const preset = argument('preset') ?? 'small';
  const [width, height] = (argument('size') ?? '640x480').split('x').map(Number);
  const config = resolveModelConfig(preset);
  const generator = createGenerator(config, 1);
  const history = tf.randomUniform([height, width, 3 * config.historyLength], -1, 1, 'float32', 2) as tf.Tensor3D;
  process.stderr.write(`${describeBackend(backend)}\n${preset} preset, ${width}×${height}, reach ${generatorReach(config)} px\n`);

  const measure = async (tileSize: number) => {
    predictFrame(generator, history, { tileSize }).dispose(); // warm-up
    const started = process.hrtime.bigint();
    const out = predictFrame(generator, history, { tileSize });
    out.dataSync();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // Memory in a second, profiled run (profiling records every kernel, so it is not timed).
    const { peakBytes } = await tf.profile(() => predictFrame(generator, history, { tileSize }).dispose());
    return { ms, peakMiB: peakBytes / 2 ** 20, out };
  };
  const whole = await measure(0);
  const rows = [{ tile: 'whole', ms: Math.round(whole.ms), peakMiB: Math.round(whole.peakMiB), vsWholeTime: 1, maxAbsDifference: 0 }];
  for (const tile of [128, 256, 384]) {
    const tiled = await measure(tile);
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(tiled.out, whole.out))).dataSync()[0]);
    rows.push({ tile: String(tile), ms: Math.round(tiled.ms), peakMiB: Math.round(tiled.peakMiB), vsWholeTime: Number((tiled.ms / whole.ms).toFixed(2)), maxAbsDifference: difference });
    tiled.out.dispose();
  }
  whole.out.dispose();
  console.table(rows);
  console.log(JSON.stringify({ preset, width, height, backend: backend.name, rows }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
