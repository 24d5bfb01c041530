export { cropCommand, resolveCropConfig, type CropConfig } from './crop-command';
