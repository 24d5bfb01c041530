/**
 * The exported page's speed in Chromium (issue #13). Not a test.
 *   npx nx run bench:page     (or: node --require tsx/cjs tools/bench/src/page-bench.ts
 *                              [--runs demo] [--presets small,paper] [--backends wasm,webgl,webgpu]
 *                              [--clip data/demo/frames/test/mnist-003] [--steps 8])
 *
 * Exports each model with `nextframe export` (the trained runs named by --runs, and generators of
 * the --presets with their initial weights: speed does not depend on the weights), opens the page
 * in Debian's Chromium (headless; WebGPU enabled, which without a GPU is SwiftShader) and lets the
 * page predict one frame (which compiles the kernels), then `steps` frames of the clip recursively
 * twice, per backend; reports the page's own ms per predicted frame (the mean of those two runs)
 * and the size of model/. A backend whose first frame takes longer than --limit-ms (15 s) is not
 * run again.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { CheckpointStore } from '@nextframe/checkpoints';
import { createGenerator, resolveModelConfig, serializeCheckpoint } from '@nextframe/model';
import { initBackend } from '@nextframe/tf-backend';
import { argument } from './bench-args';

const BIN = path.resolve(__dirname, '../../../apps/cli/bin/nextframe.js');

interface PageState {
  ready: boolean;
  done: boolean;
  runs?: number;
  backend: string | null;
  error: string | null;
  result?: { msPerFrame: number; width: number; height: number };
}
declare const window: { nextframe: PageState };

/** The checkpoint folders to export: trained runs, then untrained generators of each preset. */
async function models(work: string): Promise<{ label: string; args: string[] }[]> {
  const list: { label: string; args: string[] }[] = [];
  for (const run of (argument('runs') ?? 'demo').split(',').filter(Boolean)) {
    if (existsSync(path.resolve('runs', run, 'checkpoints'))) list.push({ label: `run ${run}`, args: ['-n', run] });
    else process.stderr.write(`page-bench: no runs/${run} (train it first, e.g. npm run demo): skipped\n`);
  }
  for (const preset of (argument('presets') ?? 'small,paper').split(',').filter(Boolean)) {
    const generator = createGenerator(resolveModelConfig(preset), 1);
    const dir = path.join(work, `preset-${preset}`);
    await new CheckpointStore(dir).save(await serializeCheckpoint({ generator, step: 0, seed: 1 }));
    generator.dispose();
    const [step] = await fs.readdir(dir);
    list.push({ label: `preset ${preset}`, args: ['-l', path.join(dir, step)] });
  }
  return list;
}

/** `nextframe export ARGS --serve`, as a user runs it: the process and the URL it prints. */
async function exportAndServe(args: string[]): Promise<{ url: string; kill(signal: NodeJS.Signals): void }> {
  const child = spawn(process.execPath, [BIN, 'export', ...args, '--serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (match) resolve({ url: match[1], kill: (signal) => child.kill(signal) });
    });
    child.on('exit', (code) => reject(new Error(`export --serve exited (${code}): ${stdout}`)));
  });
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const clip = path.resolve(argument('clip') ?? 'data/demo/frames/test/mnist-003');
  const steps = argument('steps') ?? '8';
  const backends = (argument('backends') ?? 'wasm,webgl,webgpu').split(',');
  const limitMs = Number(argument('limit-ms') ?? 15000);
  if (!existsSync(clip)) throw new Error(`${clip}: no such frames folder (npm run demo makes data/demo, or pass --clip)`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-page-bench-'));
  const chromiumPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
  if (!chromiumPath) throw new Error("no Chromium: install Debian's (apt-get install chromium) or set CHROMIUM_PATH");
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'] });
  const rows: Record<string, string | number>[] = [];
  try {
    for (const model of await models(work)) {
      const out = path.join(work, `web-${rows.length}`);
      const server = await exportAndServe([...model.args, '--out', out, '--sample', clip, '--sample-clips', '1']);
      const modelBytes = (await Promise.all(['model.json', 'weights.bin'].map((f) => fs.stat(path.join(out, 'model', f))))).reduce((sum, s) => sum + s.size, 0);
      const row: Record<string, string | number> = { model: model.label, modelMB: Number((modelBytes / 1e6).toFixed(1)) };
      for (const backend of backends) {
        const page = await browser.newPage();
        await page.goto(`${server.url}?backend=${backend}`);
        await page.waitForFunction(() => window.nextframe && (window.nextframe.ready || window.nextframe.error), undefined, { timeout: 120000 });
        // A first run of one frame compiles the kernels; a backend slower than --limit-ms on it stops there.
        await page.fill('#steps', '1');
        await page.click('#sample');
        await page.waitForFunction(() => (window.nextframe.runs === 1 && window.nextframe.done) || window.nextframe.error, undefined, { timeout: 30 * 60000 });
        const first = await page.evaluate(() => window.nextframe);
        if (first.error || first.backend !== backend) row[backend] = `error: ${first.error ?? `ran on ${first.backend}`}`;
        else if ((first.result?.msPerFrame ?? 0) > limitMs) row[backend] = `over ${limitMs / 1000} s (first frame ${Math.round(first.result?.msPerFrame ?? 0)} ms)`;
        await page.fill('#steps', steps);
        const times: number[] = [];
        for (let run = 2; run <= 3 && !row[backend]; run++) {
          await page.click('#sample');
          await page.waitForFunction((n) => (window.nextframe.runs === n && window.nextframe.done) || window.nextframe.error, run, { timeout: 30 * 60000 });
          const state = await page.evaluate(() => window.nextframe);
          if (state.error) row[backend] = `error: ${state.error}`;
          times.push(state.result?.msPerFrame ?? NaN);
          row.size = `${state.result?.width}×${state.result?.height}`;
        }
        if (!row[backend]) row[backend] = Math.round((times[0] + times[1]) / 2);
        await page.close();
      }
      server.kill('SIGINT');
      rows.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  } finally {
    await browser.close();
    await fs.rm(work, { recursive: true, force: true });
  }
  console.log(`ms per predicted frame in Chromium (${steps} frames recursively, mean of 2 runs after a first frame), ${os.cpus().length} cores`);
  console.table(rows);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
