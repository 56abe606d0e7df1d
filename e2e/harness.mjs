// What the browser tests (e2e/run.mjs) and the UI benchmark
// (e2e/bench-ui.mjs) share: the example portal on its own ports with a
// throw-away database, the registry's REST API as the guest, Chromium through
// playwright-core, and the guest sign-in.
//
// Which Chromium: CHROMIUM_PATH, else the first of /usr/bin/chromium,
// /usr/bin/chromium-browser, /usr/bin/google-chrome that exists. `./mlreg test`
// provisions one when there is none (see mlreg) and passes it in
// CHROMIUM_PATH, with where it came from in MLREG_BROWSER_SOURCE.
//
// `node e2e/harness.mjs check-browser <path>` starts that browser as the tests
// do, opens about:blank and closes it: exits 0 when it works.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const screenshots = join(root, 'e2e', 'screenshots');
export const chromiumCandidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];
// MLREG_NO_BROWSER_REASON: `./mlreg test` found and provisioned none.
export const chromiumPath = process.env.MLREG_NO_BROWSER_REASON
  ? undefined
  : process.env.CHROMIUM_PATH ||
    chromiumCandidates.find(path => existsSync(path));
const browserSource =
  process.env.MLREG_BROWSER_SOURCE ||
  (process.env.CHROMIUM_PATH ? 'CHROMIUM_PATH' : 'found on this machine');
/** How every browser test starts Chromium: headless, as root too. */
export const browserArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];
export const appUrl = 'http://localhost:3100';
export const backendUrl = 'http://localhost:7107';
const startupTimeoutMs = 5 * 60_000;

/**
 * Exits when there is no Chromium: with a failure in the CI pipeline
 * (MLREG_CI, set by .ci/run), which must run the browser tests, and with a
 * loud skip elsewhere. `CI` alone does not count: `./mlreg test` sets it for
 * jest on every machine.
 */
export function requireChromium(what) {
  if (chromiumPath && existsSync(chromiumPath)) {
    const verb = what.endsWith('tests') ? 'use' : 'uses';
    console.log(`${what} ${verb} ${chromiumPath} (${browserSource})`);
    return;
  }
  const reason =
    process.env.MLREG_NO_BROWSER_REASON ||
    (chromiumPath
      ? `CHROMIUM_PATH=${chromiumPath} does not exist`
      : `no Chromium at ${chromiumCandidates.join(', ')}`);
  if (process.env.MLREG_CI) {
    console.error(
      `FAIL: ${what} cannot run: ${reason}. The CI pipeline must run them.`,
    );
    process.exit(1);
  }
  const bar = '!'.repeat(72);
  console.warn(
    `\n${bar}\n!! SKIPPED ${what}: ${reason}.\n!! To run them: install Chromium (apt-get install chromium), set\n!! CHROMIUM_PATH to a Chromium or Chrome binary, or run ./mlreg test,\n!! which provisions one.\n${bar}\n`,
  );
  process.exit(0);
}

/** Starts Chromium at `path` as the tests do, opens about:blank, closes it. */
export async function checkBrowser(path) {
  const browser = await chromium.launch({
    executablePath: path,
    args: browserArgs,
    timeout: 60_000,
  });
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    return browser.version();
  } finally {
    await browser.close();
  }
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/** Whether a URL answers 2xx right now. */
async function isUp(url) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Waits until the backend and the frontend of the portal both answer. */
async function waitUntilUp(deadline, exited) {
  for (const url of [`${backendUrl}/api/model-registry/health`, appUrl]) {
    while (!(await isUp(url))) {
      if (exited()) throw new Error('the portal exited during startup');
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${url}`);
      await sleep(1000);
    }
  }
}

/**
 * Starts the example portal (frontend :3100, backend :7107, in-memory
 * SQLite, seeded from catalog/registry-seed.yaml) and waits until both
 * answer. With E2E_REUSE_PORTAL=1 a portal already up on those ports is used
 * as it is and left running, which makes iterating on the tests quick; its
 * data is then whatever earlier runs left.
 */
export async function startPortal() {
  if (process.env.E2E_REUSE_PORTAL === '1') {
    // It may be restarting, as its backend does when its sources change.
    await waitUntilUp(Date.now() + startupTimeoutMs, () => false);
    console.log('Reusing the portal already up on :3100 / :7107');
    return { output: () => '', stop: () => {}, reused: true };
  }
  if (
    (await isUp(appUrl)) ||
    (await isUp(`${backendUrl}/api/model-registry/health`))
  )
    throw new Error(
      'a portal is already up on :3100 / :7107; stop it, or set E2E_REUSE_PORTAL=1 to test it',
    );
  const startedAt = Date.now();
  console.log('Starting the portal on :3100 / :7107 ...');
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
  const portal = {
    output: () => output,
    reused: false,
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
  try {
    await waitUntilUp(Date.now() + startupTimeoutMs, () => exited);
  } catch (error) {
    console.error(`--- last portal output ---\n${output.slice(-5000)}`);
    portal.stop();
    throw error;
  }
  console.log(`Portal up in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  return portal;
}

/** A Backstage token of the guest user, as the frontend gets one. */
export async function guestToken() {
  const response = await fetch(`${backendUrl}/api/auth/guest/refresh`);
  if (!response.ok)
    throw new Error(
      `guest sign-in: ${response.status} ${await response.text()}`,
    );
  const body = await response.json();
  return body.backstageIdentity.token;
}

/**
 * Calls the registry's REST API as the holder of `token`; resolves to the
 * parsed body, and throws unless the status is one of `expect`.
 */
export async function registryApi(
  token,
  method,
  path,
  body,
  expect = [200, 201],
) {
  const response = await fetch(`${backendUrl}/api/model-registry${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      Authorization: `Bearer ${token}`,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!expect.includes(response.status))
    throw new Error(
      `${method} ${path}: ${response.status} ${text.slice(0, 500)}`,
    );
  return text ? JSON.parse(text) : undefined;
}

const pageErrors = [];
const pageErrorListeners = [];

/**
 * Runs `fn`, failing as soon as the app throws an uncaught error (a crashed
 * tab) rather than when a wait for its content times out.
 */
export async function failOnPageError(fn) {
  let stop;
  const crashed = new Promise((_, reject) => {
    const listener = error =>
      reject(new Error(`uncaught in the page: ${error.message}`));
    pageErrorListeners.push(listener);
    stop = () =>
      pageErrorListeners.splice(pageErrorListeners.indexOf(listener) >>> 0, 1);
  });
  crashed.catch(() => {});
  try {
    return await Promise.race([fn(), crashed]);
  } finally {
    stop();
  }
}

/** Headless Chromium and one page of a desktop size. */
export async function launchBrowser() {
  mkdirSync(screenshots, { recursive: true });
  for (const file of readdirSync(screenshots))
    if (/^failure.*\.png$/.test(file)) rmSync(join(screenshots, file));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: browserArgs,
  });
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
  });
  page.setDefaultTimeout(60_000);
  // Uncaught errors of the app, reported when a check fails: in development
  // mode they also bring up an overlay that hides the page.
  pageErrors.length = 0;
  page.on('pageerror', error => {
    // A browser notice rather than an error of the app.
    if (/ResizeObserver loop/.test(error.message)) return;
    pageErrors.push(error.message);
    for (const listener of pageErrorListeners.splice(0)) listener(error);
  });
  return { browser, page };
}

/**
 * Loads `url` in full and waits for `ready` (a locator), signing in as the
 * guest on the way if the sign-in page comes first, as it does on the first
 * load and may on any full page load.
 */
export async function gotoSignedIn(page, url, ready) {
  // The development server may still be bundling the app when the first
  // page is asked for; on a loaded machine that takes minutes.
  await page.goto(url, { timeout: startupTimeoutMs });
  const enter = page.getByRole('button', { name: /enter/i });
  await Promise.race([enter.waitFor(), ready.waitFor()]);
  if (await enter.isVisible()) {
    await enter.click();
    await ready.waitFor();
  }
}

/**
 * Navigates inside the single-page app, as a link click does: no page load,
 * only the route change (react-router follows history's popstate).
 */
export async function navigateInApp(page, path) {
  await page.evaluate(target => {
    window.history.pushState({}, '', target);
    window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
  }, path);
}

/**
 * A check runner that prints each outcome and screenshots the failure. A
 * failed check throws, unless `{ fatal: false }`: then the run goes on and
 * `failed()` tells.
 */
export function createChecks(getPage) {
  const results = [];
  async function check(name, fn, { fatal = true } = {}) {
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - started });
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      results.push({ name, ok: false });
      console.log(
        `  ✕ ${name}\n    ${error.message.split('\n').join('\n    ')}`,
      );
      for (const message of [...new Set(pageErrors)]
        .filter(m => !error.message.includes(m))
        .slice(-5))
        console.log(`    uncaught in the page: ${message}`);
      const file = `failure-${results.length}.png`;
      await getPage()
        ?.screenshot({ path: join(screenshots, file), fullPage: true })
        .then(() => console.log(`    screenshot: e2e/screenshots/${file}`))
        .catch(() => {});
      if (fatal) throw error;
    }
  }
  return { check, results, failed: () => results.some(r => !r.ok) };
}

if (
  process.argv[1] &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url) &&
  process.argv[2] === 'check-browser'
) {
  try {
    const version = await checkBrowser(process.argv[3]);
    console.log(`Chromium ${version} starts`);
  } catch (error) {
    console.error(error.message.split('\n').slice(0, 8).join('\n'));
    process.exit(1);
  }
}
