import * as path from 'node:path';
import { build, type Plugin } from 'esbuild';

/** The page's own generator code: libs/model's `generatorFromWeights` and what it imports. */
const ENTRY = path.resolve(__dirname, '../../../libs/model/src/browser-generator.ts');
const TSCONFIG = path.resolve(__dirname, '../../../tsconfig.base.json');

/** TF.js is the page's own `tf` global (vendor/tf.min.js), not a second copy in the bundle. */
const tfGlobal: Plugin = {
  name: 'tf-global',
  setup(on) {
    on.onResolve({ filter: /^@tensorflow\/tfjs(-core)?$/ }, (args) => ({ path: args.path, namespace: 'tf-global' }));
    on.onLoad({ filter: /.*/, namespace: 'tf-global' }, () => ({ contents: 'module.exports = globalThis.tf;', loader: 'js' }));
  },
};

/**
 * `model/generator.js` of an export whose generator no standard layer expresses: nextframe's own
 * generator code for the browser (one script, `globalThis.nextframeGenerator.generatorFromWeights`),
 * bundled from the TypeScript sources by esbuild, so the page predicts with the very code that
 * trained and evaluated the model.
 */
export async function generatorBundle(): Promise<string> {
  const result = await build({
    stdin: { contents: `import { generatorFromWeights } from ${JSON.stringify(ENTRY)};\nglobalThis.nextframeGenerator = { generatorFromWeights };\n`, resolveDir: path.dirname(ENTRY), loader: 'ts', sourcefile: 'nextframe-generator.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    tsconfig: TSCONFIG,
    write: false,
    logLevel: 'silent',
    plugins: [tfGlobal],
  });
  return `// nextframe's generator for the browser (bundled by nextframe export); needs TF.js as the global tf.\n${result.outputFiles[0].text}`;
}
