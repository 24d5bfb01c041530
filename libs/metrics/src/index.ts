export { assertSameShape, fromBytes, fromSigned, type MetricImage, type PixelMask } from './metric-image';
export { meanSquaredError, psnr, PSNR_CAP_DB, type PsnrConvention } from './psnr';
export { meanGradient, sharpnessDifference, sharpnessRatio } from './sharpness-difference';
export { gaussianWindow, ssim } from './ssim';
export { movingMask } from './moving-mask';
export { frameMetrics, summarize, type FrameMetrics, type Summary } from './frame-metrics';
export { BASELINES, BASELINE_LABELS, baselineFrames, type BaselineName } from './baselines';
export { nearBlankSteps, scoreRecursion, SERIES_METRICS, summarizeMethod, type MetricSeries } from './recursion-scores';
