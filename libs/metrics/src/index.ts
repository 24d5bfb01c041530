export { assertSameShape, fromBytes, fromSigned, type MetricImage, type PixelMask } from './metric-image';
export { meanSquaredError, psnr, type PsnrConvention } from './psnr';
export { sharpnessDifference } from './sharpness-difference';
export { gaussianWindow, ssim } from './ssim';
export { movingMask } from './moving-mask';
export { frameMetrics, summarize, type FrameMetrics, type Summary } from './frame-metrics';
