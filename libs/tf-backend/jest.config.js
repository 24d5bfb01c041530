module.exports = {
  displayName: 'tf-backend',
  preset: '../../jest.preset.js',
};
