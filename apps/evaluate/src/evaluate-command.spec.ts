import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { noiseFrames, writeFrameFolder } from '@nextframe/data/testing';
import { writeFolderAtomic } from '@nextframe/files';
import { useTempDir } from '@nextframe/files/testing';
import { writeImageRgb } from '@nextframe/media';
import { checkpointFiles } from '@nextframe/model';
import { tinyCheckpoint } from '@nextframe/model/testing';
import { initTestBackend } from '@nextframe/tf-backend/testing';

const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
const tempDir = useTempDir('evaluate-command', { each: true });

function nextframe(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'evaluate', '--backend', 'wasm', ...args], { cwd, encoding: 'utf8' });
}

/** A run folder `root/runs/NAME` holding one checkpoint of the tiny network. */
async function writeRun(root: string, name: string): Promise<void> {
  await initTestBackend();
  const checkpoint = await tinyCheckpoint({ step: 3, seed: 1 });
  await writeFolderAtomic(path.join(root, 'runs', name, 'checkpoints', 'step-000000003'), checkpointFiles(checkpoint));
}

async function listTree(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, file)] = (await fs.stat(file)).mtimeMs;
    }
  }
  return out;
}

describe('nextframe evaluate: bad input', () => {
  it.each([
    [['-n', 'm', '-t', '/nonexistent/test'], 1, 'error: /nonexistent/test: no such folder'],
    [['-t', 'x'], 2, 'error: -n/--name NAME is required (outputs go to runs/NAME/eval)'],
    [['-n', 'm', '-t', 'frames', '-r', '0'], 2, 'error: --recursions must be at least 1, got 0'],
    [['-n', 'm', '-t', 'frames', '--tile', 'big'], 2, "error: --tile must be an integer, got 'big'"],
  ])('rejects %j with exit code %i and one line', async (args, status, line) => {
    const root = tempDir();
    await writeRun(root, 'm');
    await writeFrameFolder(path.join(root, 'frames', 'v'), noiseFrames(16, 16, 8));
    const result = nextframe(root, ...args);
    expect(result.stderr.trim()).toBe(line);
    expect(result.status).toBe(status);
  });

  it('names a run without a trained model', async () => {
    const root = tempDir();
    await writeFrameFolder(path.join(root, 'frames', 'v'), noiseFrames(16, 16, 8));
    const result = nextframe(root, '-n', 'nothing', '-t', 'frames');
    expect(result.stderr.trim()).toBe(`error: ${path.join(root, 'runs', 'nothing')}: no trained model here (a run folder with checkpoints, or a checkpoint folder)`);
    expect(result.status).toBe(1);
  });

  it('names a frame of the wrong size, and leaves the previous evaluation as it was', async () => {
    const root = tempDir();
    await writeRun(root, 'm');
    await writeFrameFolder(path.join(root, 'frames', 'a'), noiseFrames(16, 16, 8));
    const good = nextframe(root, '-n', 'm', '-t', 'frames', '-r', '2');
    expect(good.status).toBe(0);
    const evalDir = path.join(root, 'runs', 'm', 'eval');
    const before = await listTree(evalDir);
    expect(Object.keys(before).sort()).toEqual([
      'clips/a.gif',
      'clips/a.png',
      'clips/a/pred_1.png',
      'clips/a/pred_2.png',
      'metrics.json',
      'plots/brightest.svg',
      'plots/moving-psnr.svg',
      'plots/psnr.svg',
      'plots/sharpness-difference.svg',
      'plots/sharpness-ratio.svg',
      'plots/ssim.svg',
      'report.html',
    ]);

    // A second video whose fifth frame is 16×12: the first video is evaluated, then this one fails.
    await writeFrameFolder(path.join(root, 'frames', 'b'), noiseFrames(16, 16, 8));
    const bad = path.join(root, 'frames', 'b', '000005.png');
    await writeImageRgb(bad, noiseFrames(16, 12, 1)[0]);
    const result = nextframe(root, '-n', 'm', '-t', 'frames', '-r', '2');
    expect(result.stderr.trim().split('\n').pop()).toBe(`error: ${bad}: frame is 16x12 but the video's first frame is 16x16`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.status).toBe(1);
    expect(await listTree(evalDir)).toEqual(before);
    expect((await fs.readdir(path.join(root, 'runs', 'm'))).sort()).toEqual(['checkpoints', 'eval']);
  });
});
