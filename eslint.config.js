import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', '**/node_modules/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Tests and tooling reach into SDK internals and untyped JSON fixtures.
    files: ['test/**', 'bench/**', 'examples/**', '*.config.*'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests pass async callbacks to APIs that expect promises.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript examples are not part of the TypeScript project.
    files: [
      'examples/**/*.js',
      'test/fixtures/**/*.js',
      'test/fixtures/**/*.mjs',
      'test/fixtures/**/*.cjs',
      'bench/**/*.js',
      'bench/**/*.mjs',
      'bench/**/*.cjs',
    ],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
        global: 'readonly',
        setTimeout: 'readonly',
        setImmediate: 'readonly',
      },
    },
  },
  {
    // Benchmarks are plain JavaScript run by Node.
    files: ['bench/**/*.js', 'bench/**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  {
    // CommonJS fixtures show how a CommonJS app loads the packages.
    files: ['test/fixtures/**/*.cjs', 'bench/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The CLI and the fixture apps write to the terminal by design.
    files: ['src/cli/**', 'examples/**', 'bench/**', 'test/fixtures/**'],
    rules: { 'no-console': 'off' },
  },
);
