module.exports = {
  displayName: 'crop-clips',
  preset: '../../jest.preset.js',
};
