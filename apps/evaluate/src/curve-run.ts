import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { CHECKPOINTS_FOLDER, CheckpointStore, checkpointFolder, checkpointName, loadCheckpointFolder, readCheckpointManifest } from '@nextframe/checkpoints';
import { NextframeError } from '@nextframe/errors';
import { writeFileAtomic } from '@nextframe/files';
import { evaluateRun } from './evaluate-run';
import { curveBaselines, curvePoint, curveSvg, curveTable, type CurvePoint, type LearningCurve } from './learning-curve';

export interface CurveOptions {
  /** The runs to follow, in legend order (e.g. the non-adversarial one, then its adversarial fine-tune). */
  runs: { name: string; dir: string }[];
  testDir: string;
  recursions: number;
  clipsPerVideo: number;
  movingThreshold: number;
  /** Where the curve goes; `points/` there keeps each evaluated checkpoint, so a rerun evaluates only new ones. */
  outDir: string;
  /** Progress in checkpoints, with the one being evaluated. */
  onProgress?: (done: number, total: number, checkpoint: string) => void;
}

/** What `points/<run>/step-N.json` keeps of one evaluated checkpoint. */
interface CachedPoint {
  savedAt: number;
  testDir: string;
  recursions: number;
  clipsPerVideo: number;
  clips: number;
  point: CurvePoint;
  baselines: LearningCurve['baselines'];
}


/**
 * Evaluate every checkpoint of each run on the same held-out clips (without pictures) and collect
 * the learning curve. A checkpoint evaluated before with the same settings is read back, not
 * recomputed; one replaced since (same step, newer `savedAt`) is evaluated again.
 */
export async function learningCurve(options: CurveOptions): Promise<LearningCurve> {
  const todo: { run: string; step: number; folder: string }[] = [];
  for (const run of options.runs) {
    const steps = await new CheckpointStore(path.join(run.dir, CHECKPOINTS_FOLDER)).steps();
    if (steps.length === 0) throw new NextframeError('has no checkpoints to draw a learning curve from', { file: run.dir });
    todo.push(...steps.map((step) => ({ run: run.name, step, folder: checkpointFolder(run.dir, step) })));
  }
  const cached: (CachedPoint & { run: string })[] = [];
  for (const [i, item] of todo.entries()) {
    options.onProgress?.(i, todo.length, `${item.run} ${item.step}`);
    cached.push({ run: item.run, ...(await evaluateCheckpoint(item, options)) });
  }
  options.onProgress?.(todo.length, todo.length, '');
  return {
    testDir: options.testDir,
    clips: cached[0].clips,
    recursions: options.recursions,
    runs: options.runs.map((run) => ({ name: run.name, points: cached.filter((c) => c.run === run.name).map((c) => c.point) })),
    baselines: cached[0].baselines,
  };
}

async function evaluateCheckpoint(item: { run: string; step: number; folder: string }, options: CurveOptions): Promise<CachedPoint> {
  const file = path.join(options.outDir, 'points', item.run, `${checkpointName(item.step)}.json`);
  // checkpoint.json alone tells whether the kept point still holds; the weights load only to evaluate.
  const trainer = (await readCheckpointManifest(item.folder)).trainer;
  const savedAt = trainer?.savedAt ?? 0;
  const previous = await fs.readFile(file, 'utf8').then((text) => JSON.parse(text) as CachedPoint, () => undefined);
  const same = (p: CachedPoint) =>
    p.savedAt === savedAt && p.testDir === options.testDir && p.recursions === options.recursions && p.clipsPerVideo === options.clipsPerVideo;
  if (previous && same(previous)) return previous;
  const checkpoint = await loadCheckpointFolder(item.folder);
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-curve-'));
  try {
    const report = await evaluateRun({
      checkpoint,
      testDir: options.testDir,
      recursions: options.recursions,
      outDir: scratch,
      movingThreshold: options.movingThreshold,
      clipsPerVideo: options.clipsPerVideo,
      pictures: false,
    });
    const seconds = trainer?.trainingSeconds;
    const point: CachedPoint = {
      savedAt,
      testDir: options.testDir,
      recursions: options.recursions,
      clipsPerVideo: options.clipsPerVideo,
      clips: report.clips.length,
      point: curvePoint(item.step, seconds, report),
      baselines: curveBaselines(report),
    };
    await writeFileAtomic(file, `${JSON.stringify(point)}\n`);
    return point;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** `curve.json`, `psnr.svg`, `ssim.svg`, `curve.png` (both, stacked) and `report.html` in `outDir`. */
export async function writeCurve(outDir: string, curve: LearningCurve): Promise<string[]> {
  const svgs = { psnr: curveSvg(curve, 'psnr', 'PSNR (dB)'), ssim: curveSvg(curve, 'ssim', 'SSIM') };
  const files: Record<string, string | Buffer> = {
    'curve.json': `${JSON.stringify(curve, null, 1)}\n`,
    'psnr.svg': `${svgs.psnr}\n`,
    'ssim.svg': `${svgs.ssim}\n`,
    'curve.png': await stackedPng([svgs.psnr, svgs.ssim]),
    'report.html': curveHtml(curve, svgs),
  };
  for (const [name, content] of Object.entries(files)) await writeFileAtomic(path.join(outDir, name), content);
  return Object.keys(files).map((name) => path.join(outDir, name));
}

/** The SVGs one under the other, as one PNG (for a README). */
async function stackedPng(svgs: string[]): Promise<Buffer> {
  const images = await Promise.all(svgs.map((svg) => sharp(Buffer.from(svg)).png().toBuffer({ resolveWithObject: true })));
  const width = Math.max(...images.map((i) => i.info.width));
  const height = images.reduce((sum, i) => sum + i.info.height, 0);
  let top = 0;
  const layers = images.map((i) => {
    const layer = { input: i.data, top, left: 0 };
    top += i.info.height;
    return layer;
  });
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(layers).png().toBuffer();
}

function curveHtml(curve: LearningCurve, svgs: Record<'psnr' | 'ssim', string>): string {
  const rows = curveTable(curve)
    .split('\n')
    .filter((line) => !line.startsWith('| ---'))
    .map((line, i) => {
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      const tag = i === 0 ? 'th' : 'td';
      return `<tr>${cells.map((c) => `<${tag}>${c.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${tag}>`).join('')}</tr>`;
    });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nextframe learning curve</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style></head>
<body><h1>Learning curve</h1><p>${curve.runs.map((r) => r.name).join(', ')}: every checkpoint on ${curve.clips} clips of ${curve.testDir.replace(/&/g, '&amp;').replace(/</g, '&lt;')}, ${curve.recursions} recursions.</p>
${svgs.psnr}
${svgs.ssim}
<table>${rows.join('\n')}</table></body></html>
`;
}
