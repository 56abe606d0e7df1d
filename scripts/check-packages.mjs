#!/usr/bin/env node
/*
 * Checks that every publishable package (a workspace without "private")
 * would work outside this repository once published:
 *
 * - the manifest carries license, repository (with directory), homepage,
 *   CHANGELOG.md among its files, the backstage-cli prepack / postpack
 *   scripts, and no `workspace:` range
 *   (npm publish would ship it verbatim while yarn pack rewrites it, so the
 *   two tarballs would differ);
 * - its README exists and links nowhere outside the package;
 * - its dependencies are exactly what its code imports: every bare import
 *   of its non-test sources and of its generated type declarations
 *   (dist-types, written by `yarn tsc`) is declared in dependencies or
 *   peerDependencies, every import of its tests somewhere in the manifest,
 *   and every declared dependency is imported.
 *
 * Exits non-zero with one line per problem.
 */
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rootManifest = readJson(join(root, 'package.json'));
const builtins = new Set(builtinModules);
const problems = [];

/**
 * Dependencies that no source imports, each with the reason it is still
 * needed at run time.
 */
const RUNTIME_ONLY = {
  // knex loads its drivers by name from the database config.
  'better-sqlite3': 'knex driver',
  pg: 'knex driver',
  // recharts declares it as a peer dependency.
  'react-is': 'peer dependency of recharts',
};

for (const dir of workspaceDirs()) {
  const manifest = readJson(join(dir, 'package.json'));
  if (manifest.private) continue;
  const where = relative(root, dir);
  const report = message => problems.push(`${where}: ${message}`);

  checkManifest(manifest, where, report);
  checkReadme(dir, report);
  checkDependencies(dir, where, manifest, report);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} problem(s) in package manifests`);
  process.exit(1);
}
console.log('package manifests: every publishable package checks out');

function checkManifest(manifest, where, report) {
  if (manifest.license !== rootManifest.license) {
    report(`license should be ${rootManifest.license} (the repository's)`);
  }
  if (manifest.repository?.directory !== where) {
    report(
      `repository.directory should be "${where}" (yarn backstage-cli repo fix --publish)`,
    );
  }
  if (!manifest.homepage) report('homepage is missing');
  // npm pack leaves out a CHANGELOG that `files` does not name, yarn pack
  // adds it anyway: naming it keeps the two tarballs the same.
  if (!manifest.files?.includes('CHANGELOG.md')) {
    report('files should include CHANGELOG.md');
  }
  if (manifest.scripts?.prepack !== 'backstage-cli package prepack') {
    report('scripts.prepack should be "backstage-cli package prepack"');
  }
  if (manifest.scripts?.postpack !== 'backstage-cli package postpack') {
    report('scripts.postpack should be "backstage-cli package postpack"');
  }
  for (const field of [
    'dependencies',
    'peerDependencies',
    'devDependencies',
    'optionalDependencies',
  ]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) {
        report(
          `${field}.${name} is "${range}"; use the package's semver range so npm and yarn publish the same manifest`,
        );
      }
    }
  }
}

function checkReadme(dir, report) {
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) {
    report('README.md is missing');
    return;
  }
  const text = readFileSync(readme, 'utf8');
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)[^)]*\)/g)) {
    if (target.startsWith('../') || target.startsWith('/')) {
      report(
        `README.md links to ${target}, which does not exist once the package is published`,
      );
    }
  }
}

function checkDependencies(dir, where, manifest, report) {
  const runtime = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const declared = new Set([
    ...runtime,
    ...Object.keys(manifest.devDependencies ?? {}),
  ]);
  const used = new Set();
  const sources = listFiles(join(dir, 'src'));
  const types = listFiles(join(root, 'dist-types', where, 'src')).filter(f =>
    f.endsWith('.d.ts'),
  );
  for (const file of [...sources, ...types]) {
    const isTest = isTestFile(file);
    for (const name of importedPackages(readFileSync(file, 'utf8'))) {
      if (name === manifest.name) continue;
      if (!isTest) used.add(name);
      const ok = isTest ? declared.has(name) : runtime.has(name);
      if (!ok) {
        report(
          `${relative(root, file)} imports ${name}, which is not declared in ${
            isTest ? 'the manifest' : 'dependencies or peerDependencies'
          }`,
        );
      }
    }
  }
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (!used.has(name) && !(name in RUNTIME_ONLY)) {
      report(
        `dependency ${name} is declared but nothing outside the tests imports it`,
      );
    }
  }
}

function importedPackages(text) {
  const names = new Set();
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bjest\.requireActual\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const [, specifier] of text.matchAll(pattern)) {
      const name = packageName(specifier);
      if (name) names.add(name);
    }
  }
  return names;
}

function packageName(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0])) {
    return undefined;
  }
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isTestFile(file) {
  return (
    /\.test\.tsx?$/.test(file) ||
    /[\\/](__testUtils__|__fixtures__|testUtils)[\\/]/.test(file) ||
    /setupTests\.(d\.)?ts$/.test(file)
  );
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap(entry => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return listFiles(path);
    return /\.(tsx?|mjs|cjs|js)$/.test(entry) ? [path] : [];
  });
}

function workspaceDirs() {
  return rootManifest.workspaces.flatMap(pattern => {
    const base = join(root, pattern.replace(/\/\*$/, ''));
    return readdirSync(base)
      .map(entry => join(base, entry))
      .filter(path => existsSync(join(path, 'package.json')));
  });
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
