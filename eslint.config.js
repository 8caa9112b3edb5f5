// Lint config. Besides type-aware rules it enforces the folder boundaries of DESIGN §9: each driver or SDK
// has exactly one home, and a folder imports only folders below it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Which bare packages each folder (or folders) owns; every other folder may not import them. */
const packageHomes = {
  '@kubernetes/client-node': 'src/kube',
  pg: 'src/engines/postgres',
  mysql2: 'src/engines/mysql',
  'mysql2/promise': 'src/engines/mysql',
  '@grpc/grpc-js': 'src/function',
  protobufjs: 'src/function',
  'prom-client': 'src/metrics',
  pino: 'src/log',
  // The tracing SDK lives in src/tracing alone; code that makes spans sees the API only.
  '@opentelemetry/api': ['src/tracing', 'src/runtime', 'src/engines'],
  '@opentelemetry/sdk-trace-node': 'src/tracing',
  '@opentelemetry/sdk-trace-base': 'src/tracing',
  '@opentelemetry/exporter-trace-otlp-http': 'src/tracing',
  '@opentelemetry/resources': 'src/tracing',
  '@opentelemetry/semantic-conventions': 'src/tracing',
};

/** Folders each folder must not import (relative imports), following DESIGN §9's downward-only rule. */
const forbiddenFolders = {
  'src/apis': [
    'runtime',
    'kube',
    'engines',
    'resources',
    'backup',
    'storage',
    'function',
    'metrics',
    'tracing',
  ],
  'src/kube': ['runtime', 'engines', 'resources', 'backup', 'storage', 'function', 'tracing'],
  'src/runtime': ['engines', 'resources', 'backup', 'storage', 'function'],
  'src/engines': ['runtime', 'kube', 'resources', 'backup', 'storage', 'function'],
  'src/storage': ['runtime', 'kube', 'engines', 'resources', 'backup', 'function'],
  'src/backup': ['runtime', 'resources', 'function'],
  'src/resources': ['function'],
  'src/function': ['runtime', 'kube', 'engines', 'resources', 'backup', 'storage'],
  'src/metrics': ['runtime', 'kube', 'engines', 'resources', 'backup', 'storage', 'function', 'tracing'],
  'src/config': ['kube', 'engines', 'resources', 'backup', 'storage', 'function', 'metrics', 'tracing'],
  'src/log': [
    'runtime',
    'kube',
    'engines',
    'resources',
    'backup',
    'storage',
    'function',
    'metrics',
    'tracing',
  ],
  // Tracing sits beside logging at the bottom: it may use the logger and nothing else of ours.
  'src/tracing': [
    'apis',
    'config',
    'runtime',
    'kube',
    'engines',
    'resources',
    'backup',
    'storage',
    'function',
    'metrics',
  ],
};

function boundaryRules(folder) {
  const paths = Object.entries(packageHomes)
    .map(([name, home]) => [name, [home].flat()])
    .filter(([, homes]) => !homes.some((home) => folder.startsWith(home)))
    .map(([name, homes]) => ({ name, message: `only ${homes.join(', ')} may import ${name} (DESIGN §9)` }));
  const patterns = (forbiddenFolders[folder.split('/').slice(0, 2).join('/')] ?? []).map((f) => ({
    group: [`**/${f}/*`, `../${f}`, `../../${f}`],
    message: `${folder} may not import src/${f} (DESIGN §9: imports go downward only)`,
  }));
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

const srcFolders = [
  'src/apis',
  'src/kube',
  'src/runtime',
  'src/engines',
  'src/engines/postgres',
  'src/engines/mysql',
  'src/storage',
  'src/backup',
  'src/resources',
  'src/function',
  'src/metrics',
  'src/log',
  'src/config',
  'src/tracing',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-bench/', 'crds/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] } },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // node:test's describe/it/hooks return promises the runner itself tracks.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      // @kubernetes/client-node models are classes used as plain data shapes.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      complexity: ['error', 12],
      'max-depth': ['error', 3],
      'max-params': ['error', 4],
    },
  },
  {
    files: ['src/main.ts'],
    rules: boundaryRules('src/main'),
  },
  // A nested folder comes after its parent so that its rule set wins (later flat-config entries override).
  ...srcFolders.map((folder) => ({ files: [`${folder}/**/*.ts`], rules: boundaryRules(folder) })),
  {
    files: ['test/**/*.ts'],
    rules: { 'max-params': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
