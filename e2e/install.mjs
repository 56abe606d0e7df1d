// The install test (`yarn test:install`): the suite as a platform team gets
// it. It publishes every package to a private registry (Verdaccio on a
// loopback port), creates a fresh portal with @backstage/create-app, installs
// the suite by following the README's "Install into your own portal" section
// literally, then type-checks and starts that portal and checks it from
// outside: health, the Models page in Chromium, a Model entity from a catalog
// file, and a model created through the API reaching the catalog.
//
// On the way it packs every package with both `npm pack` and `yarn pack` and
// fails unless the two tarballs hold the same files with the same contents.
//
// Environment: INSTALL_TEST_KEEP=1 keeps the work directory (printed);
// INSTALL_TEST_SKIP_BUILD=1 packs the packages' existing dist/ folders;
// CREATE_APP_VERSION picks the @backstage/create-app release (default below).
// Prints the time of each phase; exits non-zero on the first failure.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import {
  browserArgs,
  chromiumPath,
  gotoSignedIn,
  requireChromium,
  root,
} from './harness.mjs';

const VERDACCIO_VERSION = '6.10.4';
const CREATE_APP_VERSION = process.env.CREATE_APP_VERSION || '0.9.2';
const toolDir = join(root, '.cache', 'install-test');
const work = mkdtempSync(join(tmpdir(), 'mlreg-install-'));
const portalDir = join(work, 'portal');
const phases = [];
const children = [];

async function phase(name, fn) {
  const started = Date.now();
  console.log(`\n== ${name}`);
  const result = await fn();
  const seconds = (Date.now() - started) / 1000;
  phases.push([name, seconds]);
  console.log(`== ${name}: ${seconds.toFixed(1)} s`);
  return result;
}

function run(command, args, options = {}) {
  const shown = `${command} ${args.join(' ')}`;
  console.log(
    `$ ${shown}${options.cwd ? `   (in ${relativeToWork(options.cwd)})` : ''}`,
  );
  try {
    return execFileSync(command, args, {
      stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      ...options,
      env: { ...process.env, ...options.env },
    });
  } catch (error) {
    if (options.capture) {
      console.error(error.stdout?.slice(-5000), error.stderr?.slice(-5000));
    }
    throw new Error(`failed: ${shown}`);
  }
}

function relativeToWork(dir) {
  return dir.startsWith(work)
    ? `<work>/${relative(work, dir)}`
    : relative(root, dir) || '.';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor(what, check, timeoutMs, isDead = () => false) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (isDead()) throw new Error(`${what}: the process exited`);
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s${
      last ? ` (${last.message})` : ''
    }`,
  );
}

function startProcess(name, command, args, options) {
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
    env: { ...process.env, ...options?.env },
  });
  let output = '';
  const keep = chunk => {
    output = (output + chunk).slice(-30_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const handle = {
    name,
    exited: false,
    output: () => output,
    stop() {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
  child.on('exit', () => {
    handle.exited = true;
  });
  children.push(handle);
  return handle;
}

/** The workspaces that publish: every one without `private`. */
function publishablePackages() {
  return readdirSync(join(root, 'plugins'))
    .map(name => join(root, 'plugins', name))
    .filter(dir => existsSync(join(dir, 'package.json')))
    .map(dir => ({
      dir,
      manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => !manifest.private);
}

/** Every file of an unpacked tarball with the sha256 of its contents; package.json parsed. */
function tarballContents(tarball) {
  const dir = mkdtempSync(join(work, 'unpacked-'));
  run('tar', ['-xzf', tarball, '-C', dir]);
  const files = {};
  const walk = current => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const name = relative(dir, path);
        files[name] =
          name === 'package/package.json'
            ? JSON.parse(readFileSync(path, 'utf8'))
            : createHash('sha256').update(readFileSync(path)).digest('hex');
      }
    }
  };
  walk(dir);
  return files;
}

function compareTarballs(name, npmFiles, yarnFiles) {
  const problems = [];
  for (const file of new Set([
    ...Object.keys(npmFiles),
    ...Object.keys(yarnFiles),
  ])) {
    if (!(file in npmFiles)) problems.push(`${file} only in the yarn tarball`);
    else if (!(file in yarnFiles))
      problems.push(`${file} only in the npm tarball`);
    else if (
      JSON.stringify(sortKeys(npmFiles[file])) !==
      JSON.stringify(sortKeys(yarnFiles[file]))
    )
      problems.push(`${file} differs`);
  }
  if (problems.length > 0) {
    throw new Error(
      `${name}: npm pack and yarn pack differ:\n  ${problems.join('\n  ')}`,
    );
  }
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map(key => [key, sortKeys(value[key])]),
    );
  }
  return value;
}

/**
 * The fenced code blocks of the README's install section, in order, with
 * their language and first line (which names the file a block belongs to).
 */
function installSection() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Install into your own portal');
  if (start < 0)
    throw new Error('README: no "Install into your own portal" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(
    ([, lang, body]) => ({
      lang,
      body,
      file: /^(?:\/\/|#) ((?:packages\/|app-config|\.yarnrc)[^\s]*)/.exec(
        body,
      )?.[1],
    }),
  );
}

/** Shell commands of a block, `\` continuations joined, comments dropped. */
function shellCommands(body) {
  return body
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'));
}

/** Deep merge of README config into a portal's config; arrays are replaced. */
function mergeConfig(target, source) {
  for (const [key, value] of Object.entries(source)) {
    if (
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      target[key] &&
      typeof target[key] === 'object'
    ) {
      mergeConfig(target[key], value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

function applyInstallSection(registryUrl) {
  const applied = [];
  for (const block of installSection()) {
    if (block.lang === 'sh') {
      for (const command of shellCommands(block.body)) {
        if (!command.startsWith('yarn ')) {
          throw new Error(
            `README install command the test cannot follow: ${command}`,
          );
        }
        run('sh', ['-c', command], { cwd: portalDir });
        applied.push(command);
      }
    } else if (block.lang === 'yaml' && block.file === '.yarnrc.yml') {
      // The only line the portal's owner adds by hand: where @mlreg comes from.
      const path = join(portalDir, '.yarnrc.yml');
      const wanted = parseYaml(
        block.body.replaceAll('https://npm.example.com', registryUrl),
      );
      const merged = mergeConfig(parseYaml(readFileSync(path, 'utf8')), wanted);
      // As the README says next to the block: a plain-http registry's host
      // must be allowed too.
      merged.unsafeHttpWhitelist = [new URL(registryUrl).hostname];
      writeFileSync(path, stringify(merged));
      applied.push('.yarnrc.yml: registry of the @mlreg scope');
    } else if (block.lang === 'yaml' && block.file === 'app-config.yaml') {
      const path = join(portalDir, 'app-config.yaml');
      const config = parseYaml(readFileSync(path, 'utf8'));
      writeFileSync(
        path,
        stringify(mergeConfig(config, parseYaml(block.body))),
      );
      applied.push(
        `app-config.yaml: ${Object.keys(parseYaml(block.body)).join(', ')}`,
      );
    } else if (
      block.lang === 'ts' &&
      block.file === 'packages/backend/src/index.ts'
    ) {
      const path = join(portalDir, block.file);
      const lines = block.body
        .split('\n')
        .filter(line => line.startsWith('backend.add('));
      const source = readFileSync(path, 'utf8');
      if (!source.includes('backend.start();'))
        throw new Error(`${block.file}: no backend.start()`);
      writeFileSync(
        path,
        source.replace(
          'backend.start();',
          `${lines.join('\n')}\n\nbackend.start();`,
        ),
      );
      applied.push(`${block.file}: ${lines.length} backend.add lines`);
    }
    // Other blocks (the tarball alternative, the legacy frontend system's
    // App.tsx and EntityPage.tsx, optional configuration) do not apply to a
    // create-app portal installing from a registry.
  }
  return applied;
}

async function main() {
  requireChromium('The install test');
  console.log(`work directory: ${work}`);

  const registryPort = await freePort();
  const registryUrl = `http://127.0.0.1:${registryPort}`;
  const publishToken = await phase('private registry (Verdaccio)', async () => {
    const bin = join(toolDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
    if (!existsSync(bin)) {
      mkdirSync(toolDir, { recursive: true });
      // verdaccio-audit asks for node-fetch by its `cjs` dist-tag, which
      // registry mirrors that keep only `latest` do not have: 2.7.0 is it.
      writeFileSync(
        join(toolDir, 'package.json'),
        JSON.stringify({
          private: true,
          dependencies: { verdaccio: VERDACCIO_VERSION },
          overrides: { 'node-fetch': '2.7.0' },
        }),
      );
      run('npm', [
        'install',
        '--prefix',
        toolDir,
        '--no-package-lock',
        '--loglevel=error',
      ]);
    }
    const configPath = join(work, 'verdaccio.yaml');
    writeFileSync(
      configPath,
      stringify({
        storage: join(work, 'registry'),
        auth: { htpasswd: { file: join(work, 'htpasswd'), max_users: 10 } },
        packages: {
          '@mlreg/*': { access: '$all', publish: '$authenticated' },
        },
        log: { type: 'stdout', format: 'pretty', level: 'warn' },
      }),
    );
    const verdaccio = startProcess('verdaccio', process.execPath, [
      bin,
      '--config',
      configPath,
      '--listen',
      `127.0.0.1:${registryPort}`,
    ]);
    await waitFor(
      'Verdaccio',
      async () => (await fetch(`${registryUrl}/-/ping`)).ok,
      60_000,
      () => verdaccio.exited,
    );
    // A publisher account, as a private registry would have one.
    const signup = await fetch(
      `${registryUrl}/-/user/org.couchdb.user:publisher`,
      {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'publisher', password: randomUUID() }),
      },
    );
    if (!signup.ok) throw new Error(`Verdaccio sign-up: ${signup.status}`);
    return (await signup.json()).token;
  });

  const packages = publishablePackages();
  // INSTALL_TEST_SKIP_BUILD=1 packs what the last build left in dist/,
  // to iterate on the later phases.
  if (process.env.INSTALL_TEST_SKIP_BUILD !== '1') {
    await phase('build the packages', async () => {
      run('yarn', ['tsc'], { cwd: root });
      run('yarn', ['backstage-cli', 'repo', 'build'], { cwd: root });
    });
  }

  await phase(
    `pack with npm and yarn, compare, publish ${packages.length} packages`,
    async () => {
      const npmOut = join(work, 'npm-pack');
      const yarnOut = join(work, 'yarn-pack');
      mkdirSync(npmOut);
      mkdirSync(yarnOut);
      for (const { dir, manifest } of packages) {
        const file = `${manifest.name.replace('@', '').replace('/', '-')}-${
          manifest.version
        }.tgz`;
        run('npm', ['pack', '--pack-destination', npmOut, '--loglevel=error'], {
          cwd: dir,
          capture: true,
        });
        run('yarn', ['pack', '--out', join(yarnOut, file)], {
          cwd: dir,
          capture: true,
        });
        const npmFiles = tarballContents(join(npmOut, file));
        compareTarballs(
          manifest.name,
          npmFiles,
          tarballContents(join(yarnOut, file)),
        );
        const published = npmFiles['package/package.json'];
        if (published.main !== manifest.publishConfig?.main) {
          throw new Error(
            `${manifest.name}: published main is ${published.main}`,
          );
        }
        run(
          'npm',
          [
            'publish',
            join(npmOut, file),
            '--registry',
            registryUrl,
            `--${registryUrl.replace(
              /^http:/,
              '',
            )}/:_authToken=${publishToken}`,
            '--loglevel=error',
          ],
          { capture: true },
        );
        console.log(
          `  ${manifest.name}@${manifest.version}: ${
            Object.keys(npmFiles).length
          } files, npm and yarn tarballs identical, published`,
        );
      }
    },
  );

  await phase(
    `create a portal with @backstage/create-app@${CREATE_APP_VERSION}`,
    async () => {
      run(
        'npx',
        [
          '--yes',
          `@backstage/create-app@${CREATE_APP_VERSION}`,
          '--path',
          portalDir,
          '--skip-install',
        ],
        {
          cwd: work,
          env: { BACKSTAGE_APP_NAME: 'portal' },
        },
      );
      run('yarn', ['install'], { cwd: portalDir });
    },
  );

  const applied = await phase(
    "install the suite as the README's install section says",
    async () => applyInstallSection(registryUrl),
  );
  console.log(`followed:\n  ${applied.join('\n  ')}`);

  await phase('type-check the portal', async () =>
    run('yarn', ['tsc'], { cwd: portalDir }),
  );

  await phase('build the portal frontend', async () =>
    run('yarn', ['workspace', 'app', 'build'], { cwd: portalDir }),
  );

  const backendPort = await freePort();
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const modelFile = join(portalDir, 'examples', 'install-test-model.yaml');
  writeFileSync(
    modelFile,
    stringify({
      apiVersion: 'mlreg.io/v1alpha1',
      kind: 'Model',
      metadata: {
        name: 'churn-from-file',
        description: 'A Model entity from a catalog file',
      },
      spec: {
        type: 'classification',
        owner: 'guests',
        lifecycle: 'experimental',
      },
    }),
  );
  const testConfig = join(work, 'app-config.install-test.yaml');
  writeFileSync(
    testConfig,
    stringify({
      app: { baseUrl: backendUrl },
      backend: {
        baseUrl: backendUrl,
        listen: { port: backendPort, host: '127.0.0.1' },
      },
      catalog: { locations: [{ type: 'file', target: modelFile }] },
    }),
  );

  await phase('start the portal and check it', async () => {
    const portal = startProcess(
      'portal backend',
      'yarn',
      [
        'workspace',
        'backend',
        'start',
        '--config',
        join(portalDir, 'app-config.yaml'),
        '--config',
        testConfig,
      ],
      { cwd: portalDir },
    );
    try {
      await waitFor(
        'registry health',
        async () => (await fetch(`${backendUrl}/api/model-registry/health`)).ok,
        5 * 60_000,
        () => portal.exited,
      );
      console.log('  ✓ /api/model-registry/health answers 200');
      const token = (
        await (await fetch(`${backendUrl}/api/auth/guest/refresh`)).json()
      ).backstageIdentity.token;
      const headers = { Authorization: `Bearer ${token}` };
      await waitFor(
        'the Model entity from the catalog file',
        async () =>
          (
            await fetch(
              `${backendUrl}/api/catalog/entities/by-name/model/default/churn-from-file`,
              { headers },
            )
          ).ok,
        3 * 60_000,
      );
      console.log('  ✓ the Model entity from a catalog file is in the catalog');
      const created = await fetch(`${backendUrl}/api/model-registry/models`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: 'fraud-from-api',
          owner: 'group:default/guests',
          description: 'Created through the API',
        }),
      });
      if (created.status !== 201)
        throw new Error(
          `POST /models: ${created.status} ${await created.text()}`,
        );
      await waitFor(
        'the model created through the API in the catalog',
        async () =>
          (
            await fetch(
              `${backendUrl}/api/catalog/entities/by-name/model/default/fraud-from-api`,
              { headers },
            )
          ).ok,
        3 * 60_000,
      );
      console.log('  ✓ a model created through the API reached the catalog');

      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: browserArgs,
      });
      try {
        const page = await browser.newPage({
          viewport: { width: 1440, height: 900 },
        });
        page.setDefaultTimeout(60_000);
        await gotoSignedIn(
          page,
          `${backendUrl}/models`,
          page.getByText('fraud-from-api').first(),
        );
        console.log('  ✓ the Models page lists the model');
      } finally {
        await browser.close();
      }
    } catch (error) {
      console.error(
        `--- last portal output ---\n${portal.output().slice(-8000)}`,
      );
      throw error;
    }
  });
}

let failed;
try {
  await main();
} catch (error) {
  failed = error;
}
for (const child of children) child.stop();
console.log('\ninstall test figures:');
for (const [name, seconds] of phases)
  console.log(`  ${seconds.toFixed(1).padStart(7)} s  ${name}`);
const total = phases.reduce((sum, [, seconds]) => sum + seconds, 0);
console.log(`  ${total.toFixed(1).padStart(7)} s  in all`);
if (process.env.INSTALL_TEST_KEEP === '1') console.log(`kept: ${work}`);
else rmSync(work, { recursive: true, force: true });
if (failed) {
  console.error(`\nFAILED: ${failed.message}`);
  process.exit(1);
}
console.log('\ninstall test passed');
