export { cropCommand } from './crop-command';
