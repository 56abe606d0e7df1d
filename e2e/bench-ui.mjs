// UI benchmark (yarn bench:ui): starts the example portal with the browser
// tests' harness, registers a model with 5,000 versions through the REST API,
// and measures in Chromium how quickly the Versions tab shows its first page
// and how quickly a comparison of five versions renders.
//
// Measured inside the page, with the app already loaded: the clock starts
// with a client-side route change (history.pushState + popstate, which is
// what a link click does in react-router) from the model's Deployments tab,
// and stops in the first animation frame after the awaited content is in the
// DOM, i.e. the frame that paints it. So the figures are the tab's own data
// loading and rendering, not the bundle download or a page load.
//
// Exits 0 with the figures printed, whether or not they meet the targets;
// non-zero only when the benchmark could not run.
import { join } from 'node:path';
import {
  appUrl,
  backendUrl,
  gotoSignedIn,
  guestToken,
  launchBrowser,
  navigateInApp,
  registryApi,
  requireChromium,
  screenshots,
  startPortal,
} from './harness.mjs';

const MODEL = process.env.BENCH_MODEL ?? 'bench-model';
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 10);
const PAGE_SIZE = 20; // the Versions tab's page
const COMPARED = 5;
const TARGETS = { versions: 1000, compare: 500, chart: undefined };

requireChromium('the UI benchmark');

const sleep = ms => new Promise(r => setTimeout(r, ms));
const seconds = ms => `${(ms / 1000).toFixed(1)} s`;

/** A guest token, renewed every ten minutes (they last an hour). */
function tokenSource() {
  let token;
  let fetchedAt = 0;
  return async () => {
    if (!token || Date.now() - fetchedAt > 10 * 60_000) {
      token = await guestToken();
      fetchedAt = Date.now();
    }
    return token;
  };
}

/** What a training job would send for version `i`: metrics, parameters, an external artifact. */
function versionBody(i) {
  const wobble = Math.sin(i) * 0.01;
  return {
    description: `Benchmark run ${i}`,
    source: { runId: `bench-run-${i}` },
    // An artifact kept outside the registry makes the version READY at once.
    artifact: {
      uri: `s3://bench-models/${MODEL}/${i}/model.onnx`,
      format: 'onnx',
      size: 1_000_000 + i,
    },
    parameters: {
      learning_rate: [0.3, 0.1, 0.05, 0.01][i % 4],
      max_depth: 4 + (i % 6),
      n_estimators: 100 + (i % 10) * 50,
      seed: i,
    },
    metrics: [
      {
        key: 'auc',
        value: +(0.85 + (i / VERSIONS) * 0.1 + wobble).toFixed(4),
        dataset: 'holdout',
      },
      {
        key: 'logloss',
        value: +(0.4 - (i / VERSIONS) * 0.1 - wobble).toFixed(4),
        dataset: 'holdout',
      },
      { key: 'latency_p99_ms', value: +(10 + (i % 13) * 0.7).toFixed(1) },
    ],
    tags: i % 100 === 0 ? ['milestone'] : [],
  };
}

/** Registers versions until the model has `VERSIONS`, `CONCURRENCY` at a time. */
async function registerVersions(token) {
  await registryApi(
    await token(),
    'POST',
    '/models',
    {
      name: MODEL,
      owner: 'group:default/data-science',
      description: `A model with ${VERSIONS} versions, for the UI benchmark`,
      task: 'classification',
      framework: 'xgboost',
      tags: ['benchmark'],
    },
    [201, 409],
  );
  const model = await registryApi(await token(), 'GET', `/models/${MODEL}`);
  const existing = model.latestVersion ?? 0;
  if (existing >= VERSIONS) {
    console.log(`${MODEL} has ${existing} versions already`);
    return;
  }
  const started = Date.now();
  let next = existing + 1;
  let done = 0;
  const worker = async () => {
    while (next <= VERSIONS) {
      const i = next++;
      for (let attempt = 1; ; attempt++) {
        try {
          const version = await registryApi(
            await token(),
            'POST',
            `/models/${MODEL}/versions`,
            versionBody(i),
            [201],
          );
          if (version.status !== 'READY')
            throw new Error(
              `version ${version.version} is ${version.status}, not READY`,
            );
          break;
        } catch (error) {
          if (attempt >= 3) throw error;
          await sleep(1000 * attempt);
        }
      }
      done++;
      if (done % 500 === 0)
        console.log(
          `  ${existing + done} / ${VERSIONS} versions (${Math.round(
            done / ((Date.now() - started) / 1000),
          )}/s)`,
        );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  console.log(
    `Registered ${done} versions in ${seconds(
      Date.now() - started,
    )} (${Math.round(
      done / ((Date.now() - started) / 1000),
    )}/s, ${CONCURRENCY} at a time)`,
  );
}

/** Waits until the registry's entity provider has published the model to the catalog. */
async function waitForEntity(token) {
  const started = Date.now();
  const deadline = started + 3 * 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(
      `${backendUrl}/api/catalog/entities/by-name/model/default/${MODEL}`,
      { headers: { Authorization: `Bearer ${await token()}` } },
    );
    if (response.ok) {
      console.log(
        `Catalog entity model:default/${MODEL} there after ${seconds(
          Date.now() - started,
        )}`,
      );
      return;
    }
    await sleep(1000);
  }
  throw new Error(`the catalog has no model:default/${MODEL} after 3 minutes`);
}

/**
 * In the page: changes the route to `path` and resolves with the
 * milliseconds until `ready` (the source of a function) holds, taken in the
 * animation frame after it first does. `ready` runs on every DOM change, so
 * nothing polls.
 */
async function timeRouteChange(page, path, ready, timeoutMs = 60_000) {
  // A string expression, so the condition needs no eval in the page.
  return page.evaluate(
    `(${inPageRouteChange.toString()})(${JSON.stringify(
      path,
    )}, ${ready}, ${timeoutMs})`,
  );
}

function inPageRouteChange(path, isReady, timeoutMs) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let settled = false;
    let observer;
    const timer = setTimeout(() => {
      settled = true;
      observer.disconnect();
      reject(new Error(`not ready within ${timeoutMs} ms: ${path}`));
    }, timeoutMs);
    observer = new MutationObserver(() => {
      if (settled || !isReady()) return;
      settled = true;
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => resolve(performance.now() - start));
    });
    observer.observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    window.history.pushState({}, '', path);
    window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
  });
}

// Conditions evaluated in the page (serialised, so self-contained).
const firstPageShown = `() => {
  const buttons = document.querySelectorAll('button[aria-label^="Details of v"]');
  return buttons.length >= ${PAGE_SIZE} &&
    !!document.querySelector('button[aria-label="Details of v${VERSIONS}"]');
}`;
const chartShown = `() => !!document.querySelector('[role="img"][aria-label$=" by version"] svg path.recharts-curve')`;
const comparisonShown = versions => `() => {
  const headers = new Set([...document.querySelectorAll('[role="columnheader"]')].map(h => h.textContent.trim()));
  if (!${JSON.stringify(
    versions.map(v => `v${v}`),
  )}.every(v => headers.has(v))) return false;
  const keys = [...document.querySelectorAll('[role="rowheader"]')].map(h => h.textContent);
  return keys.some(k => k.startsWith('n_estimators')) && keys.some(k => k.startsWith('auc'));
}`;

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = q =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    n: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1],
  };
}

/** `count` distinct version numbers spread over the model, different each time. */
function pickVersions(count, round) {
  const picked = new Set();
  for (let k = 0; picked.size < count; k++) {
    picked.add(
      1 +
        ((round * 997 + k * Math.floor(VERSIONS / count) + k * 31) % VERSIONS),
    );
  }
  return [...picked].sort((a, b) => a - b);
}

let portal;
let browser;
let exitCode = 0;
try {
  portal = await startPortal();
  const token = tokenSource();
  await registerVersions(token);
  await waitForEntity(token);

  let page;
  ({ browser, page } = await launchBrowser());
  const entityPath = `/catalog/default/model/${MODEL}`;
  const neutral = `${entityPath}/deployments`;
  const noDeployments = page.getByText('No deployments yet');
  await gotoSignedIn(page, `${appUrl}${neutral}`, noDeployments);
  // A full page load would reset this; the in-app navigation must not.
  await page.evaluate(() => {
    window.__benchLoaded = true;
  });
  const toNeutral = async () => {
    await navigateInApp(page, neutral);
    await noDeployments.waitFor();
  };

  // Warm-up: loads the tab's code chunks and the chart's, which a user pays
  // for once per session.
  await timeRouteChange(page, `${entityPath}/versions`, firstPageShown);
  await page.getByRole('img', { name: / by version$/ }).waitFor();
  await toNeutral();
  await timeRouteChange(
    page,
    `${entityPath}/versions?compare=${pickVersions(COMPARED, 99).join(',')}`,
    comparisonShown(pickVersions(COMPARED, 99)),
  );
  await toNeutral();

  const samples = { versions: [], chart: [], compare: [] };
  console.log(`\nMeasuring, ${REPETITIONS} repetitions each ...`);
  for (let round = 0; round < REPETITIONS; round++) {
    await toNeutral();
    samples.versions.push(
      await timeRouteChange(page, `${entityPath}/versions`, firstPageShown),
    );
    await toNeutral();
    samples.chart.push(
      await timeRouteChange(page, `${entityPath}/versions`, chartShown),
    );
    await toNeutral();
    const versions = pickVersions(COMPARED, round);
    samples.compare.push(
      await timeRouteChange(
        page,
        `${entityPath}/versions?compare=${versions.join(',')}`,
        comparisonShown(versions),
      ),
    );
  }
  if (!(await page.evaluate(() => window.__benchLoaded === true)))
    throw new Error('the page was reloaded during the measurement');
  await page.screenshot({
    path: join(screenshots, 'bench-compare.png'),
    fullPage: true,
  });

  const rows = [
    [
      'versions',
      `Versions tab, first page (${PAGE_SIZE} rows) of ${VERSIONS} versions`,
    ],
    ['chart', `Versions tab, metric trend chart over ${VERSIONS} versions`],
    ['compare', `?compare= of ${COMPARED} versions, comparison tables`],
  ];
  const ms = v => `${Math.round(v)} ms`.padStart(8);
  console.log(
    `\n${'What'.padEnd(64)} ${'n'.padStart(3)} ${'p50'.padStart(
      8,
    )} ${'p95'.padStart(8)} ${'max'.padStart(8)}  target`,
  );
  for (const [key, label] of rows) {
    const s = stats(samples[key]);
    const target = TARGETS[key];
    const verdict =
      target === undefined
        ? '(none)'
        : `< ${target} ms: ${s.p95 < target ? 'met' : 'MISSED'} (p95)`;
    console.log(
      `${label.padEnd(64)} ${String(s.n).padStart(3)} ${ms(s.p50)} ${ms(
        s.p95,
      )} ${ms(s.max)}  ${verdict}`,
    );
  }
  console.log(
    '\nFrom a client-side route change (pushState + popstate) off the Deployments tab to the animation frame after the content is in the DOM; app loaded and warmed up once.',
  );
  console.log(
    `Samples (ms): ${JSON.stringify(
      Object.fromEntries(
        Object.entries(samples).map(([k, v]) => [k, v.map(Math.round)]),
      ),
    )}`,
  );
} catch (error) {
  exitCode = 1;
  console.error(
    `\nThe UI benchmark failed to run: ${error.stack ?? error.message}`,
  );
  const output = portal?.output() ?? '';
  if (output)
    console.error(`--- last portal output ---\n${output.slice(-5000)}`);
} finally {
  await browser?.close();
  portal?.stop();
}
process.exit(exitCode);
