#!/usr/bin/env node
// Bundles the `wargame` program into packages/tui/dist/cli.js plus a few chunks
// beside it (esbuild, ESM, code splitting), so start-up loads a handful of files
// instead of hundreds. Commands imported with `import()` stay in their own chunks
// (ink and the screens, the batch commands), loaded only when run.
//
// Stays outside the bundle, loaded from node_modules when needed:
// - @wargame/batch (its built dist/): its worker pool starts packages/batch/dist/worker.js
//   by a path relative to its own module, and it brings DuckDB (a native module) and vega;
// - react-devtools-core (ink imports it only with DEV=true; not installed).
//
// The build id (a hash of what decides the validated scenario document: the engine's
// source and the yaml and zod it runs) is compiled in as __WARGAME_BUILD_ID__; the
// scenario cache keys entries on it, so a changed engine never reads an old entry.
// Runs after `tsc -b` (postinstall, build, test), which type-checks and builds the
// engine and batch packages the worker pool needs.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tui = join(root, 'packages/tui');
const outdir = join(tui, 'dist');

function buildId() {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) h.update(`${relative(root, p)}\0`).update(readFileSync(p)).update('\0');
    }
  };
  walk(join(root, 'packages/engine/src'));
  const require = createRequire(join(root, 'packages/engine/package.json'));
  for (const dep of ['yaml', 'zod']) {
    // The installed version, found from the engine's own node_modules.
    let dir = dirname(require.resolve(dep));
    while (!readdirSync(dir).includes('package.json')) dir = dirname(dir);
    h.update(`${dep}@${JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version}\0`);
  }
  return h.digest('hex').slice(0, 32);
}

const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: join(tui, 'src/cli.ts') },
  outdir,
  // Flat beside cli.js, so a chunk's `import.meta.url` is as deep as src/*.ts (scenario-files.ts finds the repository from it).
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  jsx: 'automatic',
  target: 'node20',
  // Workspace packages from their TypeScript source, as the tests see them.
  conditions: ['@wargame/source', 'module'],
  plugins: [
    {
      name: 'external-batch',
      setup(b) {
        // Only the package entry: @wargame/batch/design (pure, small, needed by the argument parsers) is bundled.
        b.onResolve({ filter: /^@wargame\/batch$/ }, (args) => ({ path: args.path, external: true }));
      },
    },
    {
      // zod's classic API re-exports every locale (~300 KB of the bundle, all compiled at start-up);
      // the engine's messages are English, so z.locales holds only `en` here.
      name: 'zod-english-only',
      setup(b) {
        b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
          if (!/[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/.test(args.importer)) return undefined;
          return { path: join(dirname(args.importer), '../locales/index.js'), namespace: 'zod-locales' };
        });
        b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
          contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
          resolveDir: dirname(args.path),
        }));
      },
    },
    {
      // yoga-layout (ink's layout engine) fetch()es its WebAssembly from a data: URL when fetch exists,
      // which loads Node's whole HTTP client (undici) and percent-decodes 90 KB in JavaScript: ~70 ms
      // before the first frame. Its own fallback decodes the same base64 synchronously; take that path.
      name: 'yoga-no-fetch',
      setup(b) {
        b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
          const text = readFileSync(args.path, 'utf8');
          const from = 'return w||"function"!=typeof fetch?';
          if (!text.includes(from)) {
            console.warn(`bundle: yoga-layout changed (${args.path}); it will fetch() its WebAssembly again`);
            return undefined;
          }
          return { contents: text.replace(from, 'return true?'), loader: 'js' };
        });
      },
    },
    {
      // `./Lines.js` means Lines.tsx, beside lines.ts: esbuild's own lookup of a .js import's
      // TypeScript file folds case and picks the wrong one, so match the file name exactly.
      name: 'exact-case-ts',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
          if (!args.importer.startsWith(join(root, 'packages')) || args.importer.includes('node_modules')) return undefined;
          const base = join(dirname(args.importer), args.path.slice(0, -3));
          const names = readdirSync(dirname(base));
          for (const ext of ['.ts', '.tsx']) if (names.includes(basename(base) + ext)) return { path: base + ext };
          return undefined;
        });
      },
    },
  ],
  external: ['react-devtools-core', '@duckdb/node-api'],
  define: {
    __WARGAME_BUILD_ID__: JSON.stringify(buildId()),
    // React's production build (the development one checks and warns at every render).
    'process.env.NODE_ENV': '"production"',
  },
  // CommonJS dependencies (commander, seedrandom, cli-progress…) call require() for Node's modules.
  banner: { js: "import { createRequire as __wargameCreateRequire } from 'node:module'; const require = __wargameCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
  write: false,
});

// Other processes may be running the CLI while it is rebuilt (tests, a game in another terminal):
// write only files whose bytes changed, each by rename, so a reader never sees half a file; remove
// chunks the new bundle no longer uses only once they are an hour old (a running program may still load one).
const written = new Set();
for (const f of result.outputFiles) {
  written.add(f.path);
  if (existsSync(f.path) && readFileSync(f.path).equals(f.contents)) continue;
  const temp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(temp, f.contents);
  renameSync(temp, f.path);
}
for (const e of readdirSync(outdir, { withFileTypes: true })) {
  const p = join(outdir, e.name);
  if (e.isFile() && /^chunk-[A-Z0-9]+\.js(\.map)?$/.test(e.name) && !written.has(p) && Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p);
}


// `node scripts/bundle.mjs --analyse`: each output, its size, what it statically (and ~dynamically) imports, and what it holds.
if (process.argv.includes('--analyse')) {
  for (const [file, o] of Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'))) {
    const byPackage = new Map();
    for (const [input, v] of Object.entries(o.inputs)) {
      const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input);
      const k = m ? m[1] : input.split('/').slice(0, 3).join('/');
      byPackage.set(k, (byPackage.get(k) ?? 0) + v.bytesInOutput);
    }
    const holds = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}K`);
    const imports = o.imports.filter((i) => !i.external).map((i) => `${i.kind === 'dynamic-import' ? '~' : ''}${relative(outdir, i.path)}`);
    console.log(`${relative(root, file)}  ${(o.bytes / 1024).toFixed(0)} KiB\n  holds: ${holds.join(', ')}\n  imports: ${[...new Set(imports)].join(', ')}`);
  }
}
