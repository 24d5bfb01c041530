/**
 * `<dataset>:generate` (tools/nx-datasets): make the videos of a manifest's built-in generators.
 * Usage: node --require tsx/cjs tools/demo-data/src/main.ts [--manifest NAME]
 */
import { createProgress, runCli, type Command } from '@nextframe/cli-kit';
import { findWorkspaceRoot, loadManifest } from '@nextframe/manifest';
import { ffmpegVersion, resolveFfmpeg } from '@nextframe/media';
import { generateManifestVideos } from './generate-videos';

const generateCommand: Command = {
  name: 'generate',
  summary: "Make the videos of a manifest's built-in generators (Moving MNIST, ffmpeg sources) as H.264 files.",
  usage: 'node --require tsx/cjs tools/demo-data/src/main.ts [--manifest NAME]',
  options: {
    manifest: { type: 'string', short: 'm', valueName: 'NAME', description: 'data-manifests/NAME.json', defaultText: 'demo' },
  },
  async run(parsed) {
    const name = typeof parsed.values.manifest === 'string' ? parsed.values.manifest : 'demo';
    const loaded = await loadManifest(name, findWorkspaceRoot());
    const ffmpeg = resolveFfmpeg().path;
    const total = loaded.manifest.sources.reduce((n, s) => n + (s.kind === 'generator' ? s.count : 0), 0);
    const progress = createProgress({ label: 'generate', total, unit: 'videos' });
    const summary = await generateManifestVideos(loaded, { ffmpeg, ffmpegVersion: ffmpegVersion(ffmpeg), progress }).finally(() =>
      progress.stop(),
    );
    process.stdout.write(`generate: ${summary.total} videos for ${name} (${summary.generated.length} made, ${summary.skipped.length} already there)\n`);
    return 0;
  },
};

runCli(generateCommand, process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
