import { spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointStore, loadTrainedModel } from '@nextframe/checkpoints';
import { useTempDir } from '@nextframe/files/testing';
import { createGenerator, restoreCheckpoint, serializeCheckpoint, type TrainerState } from '@nextframe/model';
import { tinyModelConfig } from '@nextframe/model/testing';
import { movingSquareFrames, writeFrameFolder } from '@nextframe/data/testing';
import { initTestBackend, withoutOneDnnNotice } from '@nextframe/tf-backend/testing';

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
  await initTestBackend();
});

/** runs/mine under `root`: a tiny generator with random weights; `trainer` as train records it. */
async function trainedRun(root: string, trainer?: TrainerState): Promise<{ config: ReturnType<typeof tinyModelConfig> }> {
  const config = tinyModelConfig({ downsampling: 'area', predictChange: true });
  const generator = createGenerator(config, 5);
  for (const p of generator.parameters) p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.05, 'float32', 9)));
  await new CheckpointStore(path.join(root, 'runs', 'mine', 'checkpoints')).save(await serializeCheckpoint({ generator, step: 7, seed: 5, trainer }));
  generator.dispose();
  return { config };
}

describe('nextframe export: the layers model', () => {
  it("writes a layers model that plain @tensorflow/tfjs loads and that predicts what nextframe predicts", async () => {
    const root = tempDir();
    const { config } = await trainedRun(root);
    const result = nextframe(root, '-n', 'mine', '--out', 'dist/web');
    expect(withoutOneDnnNotice(result.stderr)).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^export: step 7 of mine → dist\/web\/model\/model\.json \(\d+\.\d MB\) and dist\/web\/index\.html\nexport: no sample clips \(the run names no test frames that exist here; --sample FRAMES adds some\); the page predicts video files\n$/,
    );
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
});

describe("nextframe export: errors and the README's example", () => {
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

  it("runs apps/export/README.md's ten-line plain-Node example as written, predicting what nextframe predicts", async () => {
    const root = tempDir();
    const { config } = await trainedRun(root);
    expect(nextframe(root, '-n', 'mine', '--out', 'dist/demo-web').status).toBe(0);
    const readme = await fs.readFile(path.join(repo, 'apps/export/README.md'), 'utf8');
    const example = /In plain Node with only `@tensorflow\/tfjs`:\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(10);
    await fs.writeFile(path.join(root, 'example.js'), example);
    const run = spawnSync(process.execPath, ['example.js'], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules') } });
    // (stderr: only tfjs's advice to install tfjs-node)
    expect(run.stderr.replace(/=+\nHi, looks like you are running TensorFlow\.js in Node\.js\..*\n=+/, '').trim()).toBe('');
    expect(run.status).toBe(0);
    // It prints the next frame after four black 64×64 frames: its first pixel as nextframe predicts it.
    expect(run.stdout).toMatch(/^Tensor\n {4}\[\[\[\[/);
    const printed = (run.stdout.match(/-?\d+\.\d+/g) ?? []).slice(0, 3).map(Number);
    const generator = createGenerator(config, 0);
    await restoreCheckpoint(await loadTrainedModel(path.join(root, 'runs', 'mine')), { generator });
    const black = tf.fill([1, 64, 64, 3 * config.historyLength], -1) as tf.Tensor4D;
    const ours = Array.from((await generator.predict(black).data()).slice(0, 3));
    expect(printed).toHaveLength(3);
    printed.forEach((v, i) => expect(Math.abs(v - ours[i])).toBeLessThanOrEqual(1e-4));
    generator.dispose();
    black.dispose();
  }, 60000);
});

describe('nextframe export: sample clips', () => {
  it("puts sample clips in the page: the run's own test frames by default, or --sample, --sample-clips of them", async () => {
    const root = tempDir();
    const testDir = path.join(root, 'data', 'frames', 'test');
    await writeFrameFolder(path.join(testDir, 'v10'), movingSquareFrames({ width: 16, height: 16, count: 6, sizePx: 4 }));
    await writeFrameFolder(path.join(testDir, 'v2'), movingSquareFrames({ width: 16, height: 16, count: 30, sizePx: 4 }));
    await writeFrameFolder(path.join(testDir, 'v9'), movingSquareFrames({ width: 16, height: 16, count: 8, sizePx: 4 }));
    await trainedRun(root, { dataPosition: { epoch: 0, batch: 0 }, adversarial: false, testDir, savedAt: 0, trainingSeconds: 0 });
    const clipsOf = async (out: string) =>
      (JSON.parse(await fs.readFile(path.join(root, out, 'sample', 'clips.json'), 'utf8')).clips as { name: string; frames: string[] }[]).map((c) => [c.name, c.frames.length]);

    const byDefault = nextframe(root, '-n', 'mine', '--out', 'web');
    expect(byDefault.status).toBe(0);
    expect(byDefault.stdout).toContain('export: 3 sample clips from data/frames/test (v2, v9, v10)\n');
    // Videos in natural order; each its first history (4) + 16 frames.
    expect(await clipsOf('web')).toEqual([['v2', 20], ['v9', 8], ['v10', 6]]);
    expect(await fs.readFile(path.join(root, 'web', 'sample', 'v2', '000020.png'))).toEqual(await fs.readFile(path.join(testDir, 'v2', '000020.png')));
    await expect(fs.stat(path.join(root, 'web', 'sample', 'v2', '000021.png'))).rejects.toThrow('ENOENT');

    expect(nextframe(root, '-n', 'mine', '--out', 'one', '--sample-clips', '1').status).toBe(0);
    expect(await clipsOf('one')).toEqual([['v2', 20]]);
    const none = nextframe(root, '-n', 'mine', '--out', 'none', '--sample-clips', '0');
    expect(none.stdout).toContain('export: no sample clips (--sample-clips 0; --sample FRAMES adds some)');
    expect(await clipsOf('none')).toEqual([]);
    // One folder of frames as --sample: one clip named after it.
    expect(nextframe(root, '-n', 'mine', '--out', 'direct', '--sample', path.join(testDir, 'v9')).status).toBe(0);
    expect(await clipsOf('direct')).toEqual([['v9', 8]]);

    // The recorded folder is gone: no clips, said; a --sample that does not exist: one line, nothing written.
    await fs.rename(path.join(root, 'data'), path.join(root, 'moved'));
    expect(nextframe(root, '-n', 'mine', '--out', 'gone').stdout).toContain('export: no sample clips (the run names no test frames that exist here; --sample FRAMES adds some)');
    const missing = nextframe(root, '-n', 'mine', '--out', 'bad', '--sample', 'nowhere');
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n').slice(-1)).toEqual([`error: ${path.join(root, 'nowhere')}: no sample clips here (ENOENT)`]);
    expect((await fs.readdir(root)).filter((e) => e === 'bad' || e.startsWith('.'))).toEqual([]);
    const port = nextframe(root, '-n', 'mine', '--out', 'x', '--port', 'abc');
    expect(port.status).toBe(2);
    expect(port.stderr).toContain("--port must be an integer, got 'abc'");
  }, 60000);
});

describe('nextframe export --serve', () => {
  it('--serve: serves the export on 127.0.0.1, prints the URL, stops on Ctrl-C; a busy port is one line', async () => {
    const root = tempDir();
    await trainedRun(root);
    const child = spawn(process.execPath, [BIN, 'export', '-n', 'mine', '--out', 'web', '--serve', '--port', '0'], { cwd: root, env: { ...process.env, NEXTFRAME_BACKEND: 'wasm' } });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^export: serving web at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C stops\)$/m.exec(stdout);
        if (match) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`export exited (${code}) before serving: ${stdout}`)));
    });
    try {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('<script src="vendor/tf-backend-webgpu.min.js"></script>');
      const wasm = await fetch(`${url}vendor/tfjs-backend-wasm-simd.wasm`);
      expect(wasm.headers.get('content-type')).toBe('application/wasm');
      expect(Buffer.from(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d])); // \0asm
      expect(((await (await fetch(`${url}model/model.json`)).json()) as { format: string }).format).toBe('layers-model');
      expect((await fetch(`${url}..%2f..%2fruns/mine/checkpoints`)).status).toBe(404);
      expect((await fetch(`${url}no-such-file.js`)).status).toBe(404);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);

    // A port someone else has: the export is written, serving fails in one line.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const busy = nextframe(root, '-n', 'mine', '--out', 'web2', '--serve', '--port', String(taken));
    blocker.close();
    expect(busy.status).toBe(1);
    expect(busy.stderr.trim().split('\n').slice(-1)).toEqual([`error: web2: cannot serve on 127.0.0.1:${taken} (EADDRINUSE)`]);
    expect((await fs.stat(path.join(root, 'web2', 'model', 'model.json'))).isFile()).toBe(true);
  }, 60000);
});
