// The layers, enforced. ARROWS below is the ONE table of which folder may import which: everything
// else is refused, imports between folders go through the folder's index.ts (its only way in), and
// no import cycle may form inside the product. README "Layout" lists the same table in words.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Folder → the folders it may import (always through their index.ts). Imports point down only. */
export const ARROWS = {
  'src-main/api': [],
  'src-main/shell': [],
  'src-main/ssh': ['src-main/shell', 'src-main/api'],
};

/** The product's folders that the table governs (a folder missing from ARROWS is a lint error too). */
export const ROOTS = ['src-main', 'src-preload', 'src-renderer'];

function zones() {
  const folders = Object.keys(ARROWS);
  const out = [];
  for (const target of folders) {
    for (const from of folders) {
      if (from === target || from.startsWith(`${target}/`) || target.startsWith(`${from}/`)) continue;
      if (ARROWS[target].includes(from)) {
        out.push({ target: `./${target}`, from: `./${from}`, except: ['./index.ts'],
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
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: zones() }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
);
