export { trainCommand, resolveTrainOptions } from './train-command';
