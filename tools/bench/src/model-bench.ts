/**
 * Training and inference speed of the networks (issue #4). Not a test.
 *   npx nx run bench:model            (or: node --require tsx/cjs tools/bench/src/model-bench.ts [--backend wasm] [--iterations N])
 *
 * Per preset on the active backend: ms per adversarial iteration (a discriminator step on one
 * batch, then a generator step on another; batch 8 of 32×32) and per non-adversarial generator
 * step, the GFLOP/s those reach (FLOPs counted from the networks' shapes: a training step is
 * about 3× its forward pass), and ms of full-frame (210×160) inference. Reference on this kind of
 * 2-core machine: PyTorch 1.13 CPU, 4.8 s per paper adversarial iteration, 2.1 s per generator
 * step (docs/model-spec.md).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  createDiscriminator,
  createGenerator,
  createOptimizers,
  discriminatorStep,
  disposeBatch,
  generatorStep,
  prepareBatch,
  resolveModelConfig,
  scaleSize,
  type ModelConfig,
} from '@nextframe/model';
import { describeBackend, initBackend } from '@nextframe/tf-backend';

const REFERENCE = { adversarialMs: 4800, generatorStepMs: 2100 };

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Forward FLOPs (2 per multiply-add) of the generator and discriminator for one 32×32 sample. */
export function forwardFlops(config: ModelConfig): { generator: number; discriminator: number } {
  const count = config.generator.length;
  let generator = 0;
  config.generator.forEach((scale, k) => {
    const side = scaleSize(config.patchSizePx, k, count);
    scale.kernelSizes.forEach((kernel, i) => (generator += 2 * kernel * kernel * scale.featureMaps[i] * scale.featureMaps[i + 1] * side * side));
  });
  let discriminator = 0;
  config.discriminator.forEach((scale, k) => {
    let side = scaleSize(config.patchSizePx, k, count);
    scale.kernelSizes.forEach((kernel, i) => {
      side -= kernel - 1;
      discriminator += 2 * kernel * kernel * scale.featureMaps[i] * scale.featureMaps[i + 1] * side * side;
    });
    const flat = Math.floor(side / 2) ** 2 * scale.featureMaps[scale.featureMaps.length - 1];
    [flat, ...scale.fullyConnected].slice(0, -1).forEach((inputs, i) => (discriminator += 2 * inputs * scale.fullyConnected[i]));
  });
  return { generator, discriminator };
}

async function timeIt(runs: number, body: () => void): Promise<number> {
  body(); // warm-up: kernels compiled, optimizer state created
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) body();
  return Number(process.hrtime.bigint() - started) / 1e6 / runs;
}

async function benchPreset(preset: string, runs: number) {
  const config = resolveModelConfig(preset);
  const g = createGenerator(config, 1);
  const d = createDiscriminator(config, 1);
  const optimizers = createOptimizers(config);
  const clipsA = tf.randomUniform([8, 32, 32, 15], -1, 1, 'float32', 1) as tf.Tensor4D;
  const clipsB = tf.randomUniform([8, 32, 32, 15], -1, 1, 'float32', 2) as tf.Tensor4D;
  const a = prepareBatch(clipsA, config);
  const b = prepareBatch(clipsB, config);
  const adversarialMs = await timeIt(runs, () => {
    discriminatorStep({ generator: g, discriminator: d }, optimizers.discriminator, a);
    generatorStep({ generator: g, discriminator: d }, optimizers.generator, b, { adversarial: true });
  });
  const generatorStepMs = await timeIt(runs, () => generatorStep({ generator: g }, optimizers.generator, b, { adversarial: false }));
  const frame = tf.randomUniform([1, 160, 210, 12], -1, 1, 'float32', 3) as tf.Tensor4D;
  const inferenceMs = await timeIt(runs, () => g.predict(frame).dispose());
  const flops = forwardFlops(config);
  // D step: G forward, D forward+backward on real and fake; G step: G forward+backward, D forward+input-gradient.
  const adversarialFlops = 8 * (flops.generator + 2 * 3 * flops.discriminator + 3 * flops.generator + 2 * flops.discriminator);
  const generatorStepFlops = 8 * 3 * flops.generator;
  tf.dispose([clipsA, clipsB, frame]);
  disposeBatch(a);
  disposeBatch(b);
  g.dispose();
  d.dispose();
  return {
    preset,
    generatorForwardGflopPerSample: round(flops.generator / 1e9),
    adversarialIterationMs: Math.round(adversarialMs),
    adversarialGflops: round(adversarialFlops / 1e9 / (adversarialMs / 1000)),
    generatorStepMs: Math.round(generatorStepMs),
    generatorStepGflops: round(generatorStepFlops / 1e9 / (generatorStepMs / 1000)),
    fullFrameInferenceMs: Math.round(inferenceMs),
    ...(preset === 'paper'
      ? {
          vsPyTorchAdversarial: `${round(adversarialMs / REFERENCE.adversarialMs)}× the reference time`,
          vsPyTorchGeneratorStep: `${round(generatorStepMs / REFERENCE.generatorStepMs)}× the reference time`,
        }
      : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

async function main(): Promise<void> {
  const choice = await initBackend(argument('backend'));
  console.log(describeBackend(choice));
  const presets = (argument('presets') ?? 'small,paper').split(',');
  const results = [];
  for (const preset of presets) {
    const runs = Number(argument('iterations')) || (preset === 'paper' ? 2 : 5);
    const r = await benchPreset(preset, runs);
    console.log(JSON.stringify(r));
    results.push(r);
  }
  console.log(JSON.stringify({ backend: choice.name, results }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
