// The layers, enforced. ARROWS below is the ONE table of which folder may import which: everything
// else is refused, imports between folders go through the folder's index.ts (its only way in), and
// no import cycle may form inside the product. README "Layout" lists the same table in words.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Folder → the folders it may import (always through their index.ts). Imports point down only. */
export const ARROWS = {
  // the adapters: what a user touches
  'src-renderer': ['src-main/api'],
  'src-preload': ['src-main/api'],
  'src-main/app': ['src-main/api', 'src-main/console'],
  'src-main/cli': ['src-main/api', 'src-main/audit', 'src-main/bridge', 'src-main/console', 'src-main/engine',
    'src-main/faults', 'src-main/inventory', 'src-main/lab', 'src-main/package', 'src-main/preflight',
    'src-main/probes', 'src-main/report', 'src-main/scenario', 'src-main/shell', 'src-main/ssh', 'src-main/engines/k8s'],
  'src-main/bridge': ['src-main/api', 'src-main/console'],
  // the application service and the run
  'src-main/console': ['src-main/api', 'src-main/audit', 'src-main/drill', 'src-main/engine', 'src-main/engines/k8s', 'src-main/faults',
    'src-main/inventory', 'src-main/lab', 'src-main/package', 'src-main/preflight', 'src-main/report',
    'src-main/scenario', 'src-main/ssh'],
  'src-main/report': ['src-main/api', 'src-main/audit', 'src-main/drill', 'src-main/probes', 'src-main/scenario'],
  'src-main/engine': ['src-main/api', 'src-main/audit', 'src-main/drill', 'src-main/engines/k8s', 'src-main/faults',
    'src-main/inventory', 'src-main/probes', 'src-main/scenario', 'src-main/shell', 'src-main/ssh'],
  // the Chaos Mesh adapter: beside the SSH path, below the run
  'src-main/engines/k8s': ['src-main/api', 'src-main/audit', 'src-main/faults', 'src-main/inventory', 'src-main/scenario'],
  'src-main/drill': ['src-main/api', 'src-main/audit', 'src-main/probes', 'src-main/scenario'],
  'src-main/preflight': ['src-main/faults', 'src-main/shell', 'src-main/ssh'],
  'src-main/scenario': ['src-main/api', 'src-main/faults', 'src-main/inventory', 'src-main/probes'],
  'src-main/probes': ['src-main/api', 'src-main/audit', 'src-main/faults', 'src-main/shell', 'src-main/ssh'],
  'src-main/faults': ['src-main/shell', 'src-main/ssh'],
  'src-main/inventory': ['src-main/ssh'],
  'src-main/audit': ['src-main/ssh'],
  'src-main/lab': ['src-main/package', 'src-main/shell'],
  'src-main/ssh': ['src-main/shell'],
  // leaves
  'src-main/api': [],
  'src-main/shell': [],
  'src-main/package': [],
};

/**
 * The one exception to "index.ts is the only way in": the sandboxed preload bundles its two
 * zod-free contract files directly (a sandboxed preload can require nothing but electron, and the
 * api index pulls zod into it).
 */
const EXTRA_WAYS_IN = { 'src-preload': { 'src-main/api': ['./desktop.ts', './verbs.ts'] } };

/** The product's folders that the table governs (a folder missing from ARROWS is a lint error too). */
export const ROOTS = ['src-main', 'src-preload', 'src-renderer'];

function zones() {
  const folders = Object.keys(ARROWS);
  const out = [];
  for (const target of folders) {
    for (const from of folders) {
      if (from === target || from.startsWith(`${target}/`) || target.startsWith(`${from}/`)) continue;
      if (ARROWS[target].includes(from)) {
        out.push({ target: `./${target}`, from: `./${from}`, except: ['./index.ts', ...(EXTRA_WAYS_IN[target]?.[from] ?? [])],
          message: `enter ${from} only through its index.ts (its only way in)` });
      } else {
        out.push({ target: `./${target}`, from: `./${from}`,
          message: `${target} may not import ${from}: not an arrow in eslint.config.mjs ARROWS (imports point down only)` });
      }
    }
    out.push({ target: `./${target}`, from: './test', message: 'product code never imports test/' });
  }
  return out;
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test/**', 'resources/**', 'scenarios/**', '**/*.d.ts', '**/*.d.mts'] },
  {
    files: ['src-main/**/*.{ts,tsx,mts,mjs}', 'src-preload/**/*.{ts,tsx}', 'src-renderer/**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 2023, sourceType: 'module' } },
    plugins: { 'import-x': importX },
    settings: {
      // import-x must parse the files an import reaches (TypeScript too) to follow cycles through them
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.api.json', './tsconfig.preload.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: zones() }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
);
