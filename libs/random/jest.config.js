module.exports = {
  displayName: 'random',
  preset: '../../jest.preset.js',
};
