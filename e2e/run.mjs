// Browser tests: starts the example portal on its own ports, drives Debian's
// Chromium through playwright-core and saves a screenshot of every page it
// checks under e2e/screenshots/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const screenshots = join(root, 'e2e', 'screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const appUrl = 'http://localhost:3100';
const backendUrl = 'http://localhost:7107';
const startupTimeoutMs = 5 * 60_000;

if (!existsSync(chromiumPath)) {
  if (process.env.CI) {
    console.error(
      `FAIL: Chromium not found at ${chromiumPath}; CI must install the chromium package.`,
    );
    process.exit(1);
  }
  console.warn(
    `\n${'!'.repeat(
      72,
    )}\n!! SKIPPED the browser tests: no Chromium at ${chromiumPath}.\n!! Install it (apt-get install chromium) or set CHROMIUM_PATH.\n${'!'.repeat(
      72,
    )}\n`,
  );
  process.exit(0);
}

function startPortal() {
  const child = spawn(
    'yarn',
    [
      'backstage-cli',
      'repo',
      'start',
      '--config',
      join(root, 'app-config.yaml'),
      '--config',
      join(root, 'e2e', 'app-config.e2e.yaml'),
    ],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BROWSER: 'none' },
    },
  );
  let output = '';
  const keep = chunk => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  return {
    output: () => output,
    exited: () => exited,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      // backstage-cli starts the backend in a process group of its own, and
      // a backend whose log pipe is gone may not exit on SIGTERM: kill it.
      for (const pid of readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          if (cmdline.includes('app-config.e2e.yaml'))
            process.kill(Number(pid), 'SIGKILL');
        } catch {
          // exited meanwhile, or not ours to read
        }
      }
    },
  };
}

async function waitFor(url, deadline, portal) {
  while (Date.now() < deadline) {
    if (portal.exited()) throw new Error('the portal exited during startup');
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${url}`);
}

async function guestToken() {
  const response = await fetch(`${backendUrl}/api/auth/guest/refresh`);
  const body = await response.json();
  return body.backstageIdentity.token;
}

async function registerModel(token, model) {
  const response = await fetch(`${backendUrl}/api/model-registry/models`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(model),
  });
  if (response.status !== 201)
    throw new Error(
      `registering ${model.name}: ${response.status} ${await response.text()}`,
    );
}

const checks = [];
let page;
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    checks.push({ name, ok: true, ms: Date.now() - started });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    checks.push({ name, ok: false });
    console.log(`  ✕ ${name}\n    ${error.message.split('\n').join('\n    ')}`);
    await page
      ?.screenshot({ path: join(screenshots, 'failure.png'), fullPage: true })
      .catch(() => {});
    throw error;
  }
}

const portal = startPortal();
let browser;
let failed = false;
try {
  const startedAt = Date.now();
  console.log('Starting the portal on :3100 / :7107 ...');
  const deadline = Date.now() + startupTimeoutMs;
  await waitFor(`${backendUrl}/api/model-registry/health`, deadline, portal);
  await waitFor(appUrl, deadline, portal);
  console.log(`Portal up in ${Math.round((Date.now() - startedAt) / 1000)} s`);

  // The example data seeds the registry with the catalog's models; this one
  // exists only in the registry, so it reaches the catalog via the provider.
  await registerModel(await guestToken(), {
    name: 'image-tagger',
    owner: 'group:default/data-science',
    description: 'Tags product photos with categories',
    task: 'classification',
    framework: 'onnxruntime',
    tags: ['vision'],
  });

  mkdirSync(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
    ],
  });
  page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
  });
  page.setDefaultTimeout(60_000);

  console.log('Browser tests');
  await check('signs in as guest', async () => {
    await page.goto(appUrl);
    await page.getByRole('button', { name: /enter/i }).click();
    await page.getByText('Model Registry portal').waitFor();
    await page.screenshot({ path: join(screenshots, 'home.png') });
  });

  await check('lists the example entities in the catalog', async () => {
    await page
      .getByRole('link', { name: /catalog/i })
      .first()
      .click();
    // The catalog opens on what the guest's team owns; show everything.
    await page.getByText('All', { exact: true }).click();
    await page.getByText('checkout-service').waitFor();
    await page.getByText('retention-dashboard').waitFor();
    await page.screenshot({ path: join(screenshots, 'catalog.png') });
  });

  await check(
    'lists the example models under kind Model in the catalog',
    async () => {
      await page.goto(
        `${appUrl}/catalog?filters%5Bkind%5D=model&filters%5Buser%5D=all`,
      );
      // A full page load may bring the sign-in page back.
      const enter = page.getByRole('button', { name: /enter/i });
      // Entities with a title are listed by it.
      const listed = page.getByText('Fraud Detector').first();
      await Promise.race([enter.waitFor(), listed.waitFor()]);
      if (await enter.isVisible()) await enter.click();
      await page.getByText('Support Assistant').first().waitFor();
      // Published by the registry's entity provider, not by a catalog file.
      await page.getByText('image-tagger').first().waitFor();
      await page.screenshot({ path: join(screenshots, 'catalog-models.png') });
    },
  );

  await check("draws a model's relations on its entity page", async () => {
    await page.getByRole('link', { name: 'Fraud Detector' }).first().click();
    await page.getByText('checkout-service').first().waitFor();
    await page.getByText('card-transactions').first().waitFor();
    await page.screenshot({
      path: join(screenshots, 'model-entity.png'),
      fullPage: true,
    });
  });

  await check(
    'shows the seeded and the registered models on the Models page',
    async () => {
      await page
        .getByRole('link', { name: /^models$/i })
        .first()
        .click();
      await page.getByText('image-tagger').waitFor();
      await page.getByText('Tags product photos with categories').waitFor();
      await page.getByText('onnxruntime').waitFor();
      await page.getByText('fraud-detector').first().waitFor();
      await page.screenshot({ path: join(screenshots, 'models.png') });
    },
  );

  await check('searches the Models page', async () => {
    await page.getByRole('searchbox').fill('no-such-model');
    await page.getByText('No models match "no-such-model"').waitFor();
    await page.screenshot({ path: join(screenshots, 'models-search.png') });
  });
} catch (error) {
  failed = true;
  console.error(`\nBrowser tests failed: ${error.message}`);
  console.error(`--- last portal output ---\n${portal.output().slice(-5000)}`);
} finally {
  await browser?.close();
  portal.stop();
}

const passed = checks.filter(c => c.ok).length;
console.log(
  `\nBrowser tests: ${passed} passed, ${
    checks.length - passed
  } failed; screenshots in e2e/screenshots/`,
);
process.exit(failed ? 1 : 0);
