import * as tf from '@tensorflow/tfjs';
import { generatorFromCheckpoint, generatorLayersModel, type CheckpointContent, type ModelConfig } from '@nextframe/model';
import { generatorBundle } from './generator-bundle';

/** What `model.json`'s `userDefinedMetadata.nextframe` tells a user of the exported model. */
export interface ExportedModelMetadata {
  /** Input frames, oldest first, stacked on the channel axis: the input is `[batch, H, W, 3·historyLength]`. */
  historyLength: number;
  /** Pixel values of input and output: [-1, 1] (a 0–255 value v is v / 127.5 − 1). */
  pixelRange: [number, number];
  /** H and W must be multiples of this; pad other sizes (nextframe reflects) and crop the output back. */
  sizeMultipleOf: number;
  /** The model's predictions fed back as input are clipped to `pixelRange` first (`clipFeedback`). */
  clipFeedback: boolean;
  step: number;
  run?: string;
  config: CheckpointContent['manifest']['config'];
}

/** The files of an exported model, written into the export's model/ folder. */
export interface ExportedModelFiles {
  'model.json': string;
  'weights.bin': Uint8Array;
  /** Only for a generator standard layers cannot express (`exportsAsLayers` false): its code for the page. */
  'generator.js'?: string;
}

/**
 * Whether the generator maps onto standard TF.js layers (`generatorLayersModel`): no flow (TF.js
 * has no warping or splatting layer, nor block matching) and area downsampling.
 */
export function exportsAsLayers(config: ModelConfig): boolean {
  return config.flowPx <= 0 && config.downsampling === 'area';
}

/**
 * `model.json` and `weights.bin`: a TF.js layers model (`tf.loadLayersModel` loads it, no nextframe
 * code) where `exportsAsLayers`, else the format `nextframe-generator` — the generator's weights by
 * parameter key in TF.js's weights format, its config in the metadata, and `generator.js`, the
 * generator's own code for the browser (`generatorBundle`), which the page loads.
 */
export async function exportedModelFiles(checkpoint: CheckpointContent, run?: string): Promise<ExportedModelFiles> {
  const config = checkpoint.manifest.config;
  const generator = await generatorFromCheckpoint(checkpoint);
  let model: tf.LayersModel | undefined;
  const metadata: ExportedModelMetadata = {
    historyLength: config.historyLength,
    pixelRange: [-1, 1],
    sizeMultipleOf: 2 ** (config.generator.length - 1),
    clipFeedback: config.clipFeedback,
    step: checkpoint.manifest.step,
    ...(run ? { run } : {}),
    config,
  };
  try {
    if (!exportsAsLayers(config)) {
      const { data, specs } = await tf.io.encodeWeights(generator.parameters.map((p) => ({ name: p.key, tensor: p.variable })));
      const json = { format: 'nextframe-generator', convertedBy: 'nextframe export', weightsManifest: [{ paths: ['weights.bin'], weights: specs }], userDefinedMetadata: { nextframe: metadata } };
      return { 'model.json': `${JSON.stringify(json)}\n`, 'weights.bin': new Uint8Array(data), 'generator.js': await generatorBundle() };
    }
    model = generatorLayersModel(generator);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }));
    if (!artifacts?.weightSpecs || !artifacts.weightData) throw new Error('TF.js saved no weights');
    const json = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: 'nextframe export',
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      userDefinedMetadata: { nextframe: metadata },
    };
    const weights = new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]));
    return { 'model.json': `${JSON.stringify(json)}\n`, 'weights.bin': weights };
  } finally {
    model?.dispose();
    generator.dispose();
  }
}
