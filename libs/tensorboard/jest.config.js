module.exports = {
  displayName: 'tensorboard',
  preset: '../../jest.preset.js',
};
