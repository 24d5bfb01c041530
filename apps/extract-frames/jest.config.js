module.exports = {
  displayName: 'extract-frames',
  preset: '../../jest.preset.js',
};
