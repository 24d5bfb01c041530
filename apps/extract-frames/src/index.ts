export { extractCommand } from './extract-command';
