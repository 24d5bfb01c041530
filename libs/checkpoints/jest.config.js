module.exports = {
  displayName: 'checkpoints',
  preset: '../../jest.preset.js',
};
