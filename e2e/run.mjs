// Browser tests: starts the example portal on its own ports, drives
// Chromium through playwright-core and saves a screenshot of every page it
// checks under e2e/screenshots/. The portal, the sign-in and the browser come
// from e2e/harness.mjs, which the UI benchmark (e2e/bench-ui.mjs) shares.
import { join } from 'node:path';
import {
  appUrl,
  createChecks,
  failOnPageError,
  gotoSignedIn,
  guestToken,
  launchBrowser,
  registryApi,
  requireChromium,
  screenshots,
  startPortal,
} from './harness.mjs';

requireChromium('the browser tests');

const startedAt = Date.now();
let page;
const { check, results, failed: someFailed } = createChecks(() => page);
const shot = (name, fullPage = true) =>
  page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });

let portal;
let browser;
let failed = false;
try {
  portal = await startPortal();

  // The example data seeds the registry with the catalog's models; this one
  // exists only in the registry, so it reaches the catalog via the provider.
  const token = await guestToken();
  if (portal.reused) {
    // Undo an earlier run's alias move, so the seed's aliases hold again.
    await registryApi(token, 'PUT', '/models/fraud-detector/aliases/staging', {
      version: 3,
    });
  }
  await registryApi(
    token,
    'POST',
    '/models',
    {
      name: 'image-tagger',
      owner: 'group:default/data-science',
      description: 'Tags product photos with categories',
      task: 'classification',
      framework: 'onnxruntime',
      tags: ['vision'],
    },
    // A reused portal (E2E_REUSE_PORTAL=1) has it from an earlier run.
    portal.reused ? [201, 409] : [201],
  );

  ({ browser, page } = await launchBrowser());

  console.log('Browser tests');
  await check('signs in as guest', async () => {
    await gotoSignedIn(page, appUrl, page.getByText('Model Registry portal'));
    await shot('home', false);
  });

  await check('lists the example entities in the catalog', async () => {
    await page
      .getByRole('link', { name: /catalog/i })
      .first()
      .click();
    // The catalog opens on what the guest's team owns; show everything.
    await page.getByTestId('user-picker-all').click();
    await page.getByText('checkout-service').waitFor();
    await page.getByText('retention-dashboard').waitFor();
    await shot('catalog', false);
  });

  await check(
    'lists the example models under kind Model in the catalog',
    async () => {
      // Entities with a title are listed by it.
      await gotoSignedIn(
        page,
        `${appUrl}/catalog?filters%5Bkind%5D=model&filters%5Buser%5D=all`,
        page.getByText('Fraud Detector').first(),
      );
      await page.getByText('Support Assistant').first().waitFor();
      // Published by the registry's entity provider, not by a catalog file.
      await page.getByText('image-tagger').first().waitFor();
      await shot('catalog-models', false);
    },
  );

  await check("draws a model's relations on its entity page", async () => {
    await page.getByRole('link', { name: 'Fraud Detector' }).first().click();
    await page.getByText('checkout-service').first().waitFor();
    await page.getByText('card-transactions').first().waitFor();
    await shot('model-entity');
  });

  await check(
    'shows the portfolio summary and the seeded and registered models on the Models page',
    async () => {
      await page
        .getByRole('link', { name: /^models$/i })
        .first()
        .click();
      const tagger = page.getByRole('row').filter({ hasText: 'image-tagger' });
      await tagger.getByText('Tags product photos with categories').waitFor();
      await tagger.getByText('onnxruntime', { exact: true }).waitFor();
      const fraud = page.getByRole('row').filter({ hasText: 'fraud-detector' });
      await fraud.getByText('v2', { exact: true }).first().waitFor();
      // Five seeded models and image-tagger; three have a production alias.
      const figure = (label, help) =>
        page.locator(`[aria-label="${label}"]`).filter({ hasText: help });
      await figure('Models', 'active models you may see')
        .getByText('6', { exact: true })
        .waitFor();
      await figure('In production', 'with a production alias')
        .getByText('3', { exact: true })
        .waitFor();
      for (const label of [
        'Drifting',
        'Failed deployments',
        'Without owner',
        'Without model card',
      ])
        await page.locator(`[aria-label="${label}"]`).waitFor();
      await shot('models', false);
    },
  );

  await check('searches the Models page', async () => {
    await page.getByRole('searchbox').fill('no-such-model');
    await page.getByText('No models match "no-such-model"').waitFor();
    await shot('models-search', false);
    await page.getByRole('searchbox').fill('');
  });

  const entityPath = '/catalog/default/model/fraud-detector';
  const tab = name =>
    page
      .getByRole('navigation', { name: 'Content navigation' })
      .getByRole('link', { name, exact: true });
  const row = text => page.getByRole('row').filter({ hasText: text });
  // The tabs are checked one by one, and a failed tab does not stop the
  // others: the next one starts from a fresh load of the entity page (which
  // also clears the development error overlay a crash brings up).
  let reload = false;
  const tabCheck = (name, fn) =>
    check(
      name,
      async () => {
        if (reload) {
          reload = false;
          await gotoSignedIn(page, `${appUrl}${entityPath}`, tab('Model'));
        }
        try {
          await failOnPageError(fn);
        } catch (error) {
          reload = true;
          throw error;
        }
      },
      { fatal: false },
    );

  await check('opens fraud-detector from the Models page', async () => {
    await page
      .getByRole('link', { name: 'fraud-detector', exact: true })
      .click();
    await page.waitForURL(url => url.pathname === entityPath);
    await page.getByRole('heading', { name: 'Fraud Detector' }).waitFor();
    for (const name of [
      'Model',
      'Versions',
      'Lineage',
      'History',
      'Deployments',
      'Drift',
    ])
      await tab(name).waitFor();
  });

  await tabCheck(
    'Model tab: description, aliases, model card and KPIs',
    async () => {
      await tab('Model').click();
      await page.waitForURL(`**${entityPath}/model-overview`);
      await page
        .getByText('Scores card payments for fraud in real time')
        .waitFor();
      for (const alias of ['champion → v3', 'production → v2', 'staging → v3'])
        await page.getByText(alias, { exact: true }).waitFor();
      // Key metric of the production version; no environment configured;
      // the seeded drifting production batch of v2.
      await page.getByText('auc 0.934 (v2)', { exact: true }).waitFor();
      await page.getByText('Never deployed', { exact: true }).waitFor();
      await page.getByText('Drifting', { exact: true }).waitFor();
      // The production version's card, from the seed.
      await page
        .getByText('Model card of version 2 (alias production)')
        .waitFor();
      await page
        .getByText('Flag card payments for manual review before capture.')
        .waitFor();
      await page.getByText('Not trained on corporate cards.').waitFor();
      await row('fraud-losses-avoided').getByText('412000 EUR').waitFor();
      await row('cost-per-1k-predictions').getByText('0.08 USD').waitFor();
      await page.getByText('https://github.com/acme/fraud-detector').waitFor();
      await page.getByText('#fraud-ml').waitFor();
      await shot('model-model');
    },
  );

  await tabCheck(
    'Versions tab: the seeded versions with their metrics and aliases, and the metric trend',
    async () => {
      await tab('Versions').click();
      await page.waitForURL(`**${entityPath}/versions`);
      for (const metric of ['auc', 'precision_at_1pct', 'latency_p99_ms'])
        await page.getByRole('columnheader', { name: metric }).waitFor();
      const expected = [
        [
          'v1',
          'Baseline gradient-boosted trees',
          '—',
          ['0.912', '0.61', '11.2'],
        ],
        [
          'v2',
          'More trees, tuned learning rate',
          'production',
          ['0.934', '0.67', '14.8'],
        ],
        [
          'v3',
          'Adds merchant-category embeddings',
          'champion, staging',
          ['0.947', '0.71', '16.1'],
        ],
      ];
      for (const [version, description, aliases, metrics] of expected) {
        const r = row(description);
        await r.getByText(version, { exact: true }).waitFor();
        await r.getByText('READY', { exact: true }).waitFor();
        await r.getByText(aliases, { exact: true }).waitFor();
        for (const value of metrics)
          await r.getByText(value, { exact: true }).waitFor();
      }
      await page.getByRole('img', { name: /by version$/ }).waitFor();
      await shot('model-versions');
    },
  );

  await tabCheck(
    'Versions tab: compares two versions, with the differences, in ?compare=',
    async () => {
      for (const description of [
        'Baseline gradient-boosted trees',
        'Adds merchant-category embeddings',
      ])
        await row(description).getByRole('checkbox').check({ force: true });
      await page.getByText('Selected: v1, v3').waitFor();
      await page.getByRole('button', { name: 'Compare', exact: true }).click();
      await page.waitForURL(url =>
        /^1(,|%2C)3$/.test(url.searchParams.get('compare') ?? ''),
      );
      await page
        .getByRole('button', { name: 'Back to all versions' })
        .waitFor();
      await page
        .getByRole('columnheader', { name: 'v1', exact: true })
        .first()
        .waitFor();
      await page
        .getByRole('columnheader', { name: 'v3', exact: true })
        .first()
        .waitFor();
      // Parameters and metrics of v1 and v3 from the seed, marked as differing.
      for (const [key, v1, v3] of [
        ['n_estimators', '300', '900'],
        ['max_depth', '6', '8'],
        ['embeddings', '—', 'true'],
        ['latency_p99_ms', '11.2', '16.1'],
      ]) {
        const r = row(key).filter({ hasText: 'differs' });
        await r.getByText(v1, { exact: true }).waitFor();
        await r.getByText(v3, { exact: true }).waitFor();
      }
      await shot('model-compare');
      await page.getByRole('button', { name: 'Back to all versions' }).click();
      await page.waitForURL(url => !url.searchParams.has('compare'));
      await row('Baseline gradient-boosted trees').waitFor();
    },
  );

  await tabCheck(
    "Versions tab: a version's details in ?version=, and the guest moves an alias",
    async () => {
      await page.getByRole('button', { name: 'Details of v1' }).click();
      await page.waitForURL(url => url.searchParams.get('version') === '1');
      const dialog = page.getByRole('dialog');
      await dialog.getByText('fraud-detector v1').waitFor();
      // In the description line; the edit form holds it too once allowed.
      await dialog
        .locator('dd', { hasText: 'Baseline gradient-boosted trees' })
        .waitFor();
      await dialog
        .getByText('commit 3f2a9c1d7e, run mlflow-run-0a1b')
        .waitFor();
      await dialog.getByText('n_estimators', { exact: true }).waitFor();
      await dialog.getByRole('link', { name: /card-transactions/ }).waitFor();
      await dialog
        .getByText('s3://acme-models/fraud-detector/1/model.onnx')
        .waitFor();
      // The example portal allows everything (allow-all permission policy).
      await dialog
        .getByRole('form', { name: 'Set or move an alias' })
        .waitFor();
      await dialog.getByRole('textbox', { name: 'Alias' }).fill('staging');
      await dialog.getByRole('button', { name: 'Set alias' }).click();
      await dialog.getByText('staging now points to v1.').waitFor();
      await shot('model-version-details');
      await dialog.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL(url => !url.searchParams.has('version'));
      // The table shows the move: v1 holds staging, v3 only champion.
      await row('Baseline gradient-boosted trees')
        .getByText('staging', { exact: true })
        .waitFor();
      await row('Adds merchant-category embeddings')
        .getByText('champion', { exact: true })
        .waitFor();
    },
  );

  await tabCheck(
    'History tab: the alias move as an alias.set record',
    async () => {
      await tab('History').click();
      await page.waitForURL(`**${entityPath}/history`);
      for (const column of ['When', 'Who', 'What', 'Before → after'])
        await page.getByRole('columnheader', { name: column }).waitFor();
      const move = row('model:fraud-detector/aliases/staging')
        .filter({ hasText: 'version: 3 → 1' })
        .first();
      await move.getByText('alias.set', { exact: true }).waitFor();
      await move.getByText('user:default/guest', { exact: true }).waitFor();
      // The seed's registrations are there too.
      await row('version.register').first().waitFor();
      // The Action filter narrows the trail to alias changes.
      await page.getByRole('button', { name: /Action/ }).click();
      await page
        .getByRole('option', { name: 'alias.set', exact: true })
        .click();
      await move.waitFor();
      await row('version.register').first().waitFor({ state: 'detached' });
      await shot('model-history');
    },
  );

  await tabCheck(
    'Lineage tab: data set, commit, run and version nodes',
    async () => {
      await tab('Lineage').click();
      await page.waitForURL(`**${entityPath}/lineage`);
      const graph = page.getByLabel('Lineage graph');
      await graph.waitFor();
      await page.getByText('Showing all 3 versions.').waitFor();
      await graph
        .getByRole('link', { name: 'Data set card-transactions' })
        .first()
        .waitFor();
      for (const label of [
        'fraud-detector v1',
        'fraud-detector v2',
        'fraud-detector v3',
        '3f2a9c1d7e',
        'mlflow-run-7e8f',
        'checkout-service',
      ])
        await graph.getByText(label, { exact: true }).first().waitFor();
      await shot('model-lineage');
    },
  );

  await tabCheck(
    'Lineage tab: at 1440×900 the graph fits its card and the page does not scroll sideways',
    async () => {
      const viewport = page.viewportSize();
      await page.setViewportSize({ width: 1440, height: 900 });
      try {
        await tab('Lineage').click();
        await page.waitForURL(`**${entityPath}/lineage`);
        const graph = page.getByLabel('Lineage graph');
        await graph
          .getByText('fraud-detector v3', { exact: true })
          .first()
          .waitFor();
        const measure = () =>
          page.evaluate(() => {
            const svg = document.querySelector(
              'svg[aria-label="Lineage graph"]',
            );
            const box = e => {
              const r = e.getBoundingClientRect();
              return [r.left, r.top, r.right, r.bottom].map(Math.round);
            };
            return {
              scrollWidth: document.documentElement.scrollWidth,
              innerWidth: window.innerWidth,
              svg: box(svg),
              card: svg.closest('.bui-Card') && box(svg.closest('.bui-Card')),
            };
          });
        const fits = m =>
          m.scrollWidth <= m.innerWidth &&
          !!m.card &&
          m.svg[0] >= m.card[0] &&
          m.svg[1] >= m.card[1] &&
          m.svg[2] <= m.card[2] &&
          m.svg[3] <= m.card[3];
        // The graph lays itself out and measures its box for a moment.
        let m = await measure();
        for (let i = 0; i < 20 && !fits(m); i++) {
          await page.waitForTimeout(250);
          m = await measure();
        }
        const figures = () =>
          `scrollWidth ${m.scrollWidth}, innerWidth ${m.innerWidth}, graph [${m.svg}], card [${m.card}] (left, top, right, bottom)`;
        if (!fits(m)) throw new Error(`the graph does not fit: ${figures()}`);
        // Zooming in happens inside the card, not on the page.
        const { x, y, width, height } = await graph.boundingBox();
        await page.mouse.move(x + width / 2, y + height / 2);
        await page.mouse.wheel(0, -600);
        await page.waitForTimeout(300);
        m = await measure();
        if (!fits(m))
          throw new Error(`zoomed in, the graph does not fit: ${figures()}`);
        await shot('model-lineage-1440', false);
      } finally {
        await page.setViewportSize(viewport);
      }
    },
  );

  await tabCheck(
    'Deployments tab: how to configure an environment',
    async () => {
      await tab('Deployments').click();
      await page.waitForURL(`**${entityPath}/deployments`);
      await page.getByText('No environments configured').waitFor();
      await shot('model-deployments');
    },
  );

  await tabCheck("Drift tab: the seeded batch's computed drift", async () => {
    await tab('Drift').click();
    await page.waitForURL(`**${entityPath}/drift`);
    await page.getByText('Drift score per window').waitFor();
    await page.getByText('Verdict per window').waitFor();
    await shot('model-drift');
  });
} catch (error) {
  failed = true;
  console.error(`\nBrowser tests failed: ${error.message}`);
  const output = portal?.output() ?? '';
  if (output)
    console.error(`--- last portal output ---\n${output.slice(-5000)}`);
} finally {
  await browser?.close();
  portal?.stop();
}

const passed = results.filter(c => c.ok).length;
console.log(
  `\nBrowser tests: ${passed} passed, ${
    results.length - passed
  } failed in ${Math.round(
    (Date.now() - startedAt) / 1000,
  )} s; screenshots in e2e/screenshots/`,
);
process.exit(failed || someFailed() ? 1 : 0);
