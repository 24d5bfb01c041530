import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointStore, loadTrainedModel } from '@nextframe/checkpoints';
import { useTempDir } from '@nextframe/files/testing';
import { createGenerator, restoreCheckpoint, serializeCheckpoint } from '@nextframe/model';
import { tinyModelConfig } from '@nextframe/model/testing';
import { initBackend } from '@nextframe/tf-backend';

const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
const repo = path.resolve(__dirname, '../../..');
const tempDir = useTempDir('export');

function nextframe(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'export', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NEXTFRAME_BACKEND: 'wasm' } });
}

/** A plain Node script with only @tensorflow/tfjs: load model.json from files and predict. */
const PLAIN_SCRIPT = `
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
const [dir, inputFile, h, w, c] = process.argv.slice(2);
const json = JSON.parse(fs.readFileSync(dir + '/model.json', 'utf8'));
const weights = fs.readFileSync(dir + '/weights.bin');
tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
  weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) })).then((model) => {
  const input = new Float32Array(fs.readFileSync(inputFile).buffer.slice(0));
  const out = model.predict(tf.tensor4d(input, [1, +h, +w, +c]));
  process.stdout.write(JSON.stringify({ history: json.userDefinedMetadata.nextframe.historyLength, values: Array.from(out.dataSync()) }));
});
`;

beforeAll(async () => {
  await initBackend('wasm');
});

async function trainedRun(root: string): Promise<{ config: ReturnType<typeof tinyModelConfig> }> {
  const config = tinyModelConfig({ downsampling: 'area', predictChange: true });
  const generator = createGenerator(config, 5);
  for (const p of generator.parameters) p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.05, 'float32', 9)));
  await new CheckpointStore(path.join(root, 'runs', 'mine', 'checkpoints')).save(await serializeCheckpoint({ generator, step: 7, seed: 5 }));
  generator.dispose();
  return { config };
}

describe('nextframe export', () => {
  it("writes a layers model that plain @tensorflow/tfjs loads and that predicts what nextframe predicts", async () => {
    const root = tempDir();
    const { config } = await trainedRun(root);
    const result = nextframe(root, '-n', 'mine', '--out', 'dist/web');
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^export: step 7 of mine → dist\/web\/model\/model\.json \(\d+\.\d MB\) and dist\/web\/index\.html\n$/);
    const dir = path.join(root, 'dist', 'web', 'model');
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.userDefinedMetadata.nextframe).toMatchObject({ historyLength: 4, pixelRange: [-1, 1], sizeMultipleOf: 8, step: 7, run: 'mine', clipFeedback: true });
    const layerTypes = new Set(json.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name));
    expect([...layerTypes].sort()).toEqual(['Add', 'AveragePooling2D', 'Concatenate', 'Conv2D', 'InputLayer', 'UpSampling2D']);

    // The same frames through nextframe's own generator (wasm) and through the exported model
    // in a plain Node script (tfjs's default backend): at most 1e-4 apart in [-1, 1].
    const [h, w, c] = [24, 40, 3 * config.historyLength];
    const input = tf.randomUniform([1, h, w, c], -1, 1, 'float32', 3) as tf.Tensor4D;
    const inputFile = path.join(root, 'input.f32');
    await fs.writeFile(inputFile, Buffer.from((await input.data() as Float32Array).buffer));
    const script = path.join(root, 'plain.js');
    await fs.writeFile(script, PLAIN_SCRIPT);
    const plain = spawnSync(process.execPath, [script, dir, inputFile, String(h), String(w), String(c)], { encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules') } });
    expect(plain.status).toBe(0);
    const exported = JSON.parse(plain.stdout) as { history: number; values: number[] };
    expect(exported.history).toBe(4);
    const generator = createGenerator(config, 0);
    await restoreCheckpoint(await loadTrainedModel(path.join(root, 'runs', 'mine')), { generator });
    const ours = await generator.predict(input).data();
    expect(exported.values).toHaveLength(h * w * 3);
    const maxDiff = exported.values.reduce((m, v, i) => Math.max(m, Math.abs(v - ours[i])), 0);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    expect(maxDiff).toBeGreaterThanOrEqual(0);
    generator.dispose();
    input.dispose();
  }, 60000);

  it('says in one line what is wrong and writes nothing: no checkpoint, an unwritable --out', async () => {
    const root = tempDir();
    const missing = nextframe(root, '-n', 'nothing', '--out', 'out/x');
    expect(missing.status).toBe(1);
    await expect(fs.stat(path.join(root, 'out'))).rejects.toThrow('ENOENT');
    expect(missing.stderr.trim()).toBe(`error: ${path.join(root, 'runs', 'nothing')}: no trained model here (a run folder with checkpoints, or a checkpoint folder)`);
    await trainedRun(root);
    await fs.writeFile(path.join(root, 'a-file'), 'x');
    const unwritable = nextframe(root, '-n', 'mine', '--out', 'a-file/web');
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unwritable.stderr).toMatch(/^error: a-file\/web: cannot write here \(E[A-Z]+\)$/m);
    expect((await fs.readdir(root)).filter((e) => e.startsWith('.'))).toEqual([]); // no staging folder left
    expect((await fs.stat(path.join(root, 'a-file'))).isFile()).toBe(true);
    const usage = nextframe(root, '--out', 'x');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('-n/--name NAME or -l/--load_path CHECKPOINT_DIR is required');
  }, 60000);
});
