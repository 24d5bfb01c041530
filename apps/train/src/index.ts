export { trainCommand } from './train-command';
