module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // supertest's chained .expect() calls are assertions too
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'request.**.expect'] },
    ],
  },
});
