// Browser test of the golden path: "Create → New ML model" in the example
// portal, with the local bare git directory and no Jira, then the new model
// in the registry (with its repository link), on the Models page and in the
// catalog. Run with `yarn test:e2e:scaffolder`; the portal, sign-in and
// browser come from e2e/harness.mjs.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  appUrl,
  backendUrl,
  createChecks,
  gotoSignedIn,
  guestToken,
  launchBrowser,
  registryApi,
  requireChromium,
  root,
  screenshots,
  startPortal,
} from './harness.mjs';

requireChromium('the scaffolder browser test');

// The local git directory outlives the in-memory database: a fresh name per run.
const name = `e2e-model-${Date.now().toString(36)}`;
const startedAt = Date.now();
let page;
const { check, results, failed: someFailed } = createChecks(() => page);
const shot = name_ =>
  page.screenshot({ path: join(screenshots, `${name_}.png`), fullPage: true });

let portal;
let browser;
let failed = false;
try {
  portal = await startPortal();
  ({ browser, page } = await launchBrowser());
  console.log('Scaffolder browser test');

  await check('lists "New ML model" under Create', async () => {
    await gotoSignedIn(
      page,
      `${appUrl}/create`,
      page.getByText('New ML model').first(),
    );
    await shot('create');
  });

  await check('fills in the template and creates the model', async () => {
    const card = page
      .locator('article, .MuiCard-root')
      .filter({ hasText: 'New ML model' })
      .first();
    await card.getByRole('button', { name: /choose/i }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill(name);
    await page
      .getByRole('textbox', { name: /^Description/ })
      .fill('Created by the browser test');
    const owner = page.getByRole('combobox', { name: /^Owner/ });
    await owner.click();
    await owner.fill('data-science');
    await page
      .getByRole('option', { name: /data-science/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Next' }).click();
    // Repository and pipeline: the defaults (local directory, GitHub Actions).
    await page.getByText('Where to create the repository').first().waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    // Jira: left empty.
    await page.getByText('Jira project key').first().waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await page
      .getByRole('link', { name: 'Model in the catalog' })
      .waitFor({ timeout: 180_000 });
    await shot('create-done');
  });

  await check('registers the model with its repository link', async () => {
    const token = await guestToken();
    const model = await registryApi(token, 'GET', `/models/${name}`);
    const expected = `${backendUrl}/api/scaffolder/local-git/${name}.git`;
    if (model.links?.repoUrl !== expected)
      throw new Error(
        `repoUrl is ${model.links?.repoUrl}, expected ${expected}`,
      );
    if (model.createdBy !== 'user:default/guest')
      throw new Error(`created by ${model.createdBy}, not the guest`);
  });

  await check('shows the model on the Models page', async () => {
    await page
      .getByRole('link', { name: /^models$/i })
      .first()
      .click();
    await page
      .getByRole('row')
      .filter({ hasText: name })
      .getByText('Created by the browser test')
      .waitFor();
    await shot('create-models-page');
  });

  await check('shows the model in the catalog', async () => {
    // The registry's entity provider publishes it shortly after.
    const deadline = Date.now() + 120_000;
    for (;;) {
      await gotoSignedIn(
        page,
        `${appUrl}/catalog?filters%5Bkind%5D=model&filters%5Buser%5D=all`,
        page.getByText('Fraud Detector').first(),
      );
      if (await page.getByText(name).first().isVisible()) break;
      if (Date.now() > deadline)
        throw new Error(`${name} is not in the catalog after 120 s`);
      await page.waitForTimeout(5_000);
    }
    await shot('create-catalog');
  });
} catch (error) {
  failed = true;
  console.error(`\nScaffolder browser test failed: ${error.message}`);
  const output = portal?.output() ?? '';
  if (output)
    console.error(`--- last portal output ---\n${output.slice(-5000)}`);
} finally {
  await browser?.close();
  portal?.stop();
  // The bare repository this run created (app-config.yaml: localGit.rootDir).
  rmSync(join(root, '.data', 'git', `${name}.git`), {
    recursive: true,
    force: true,
  });
}

const passed = results.filter(c => c.ok).length;
console.log(
  `\nScaffolder browser test: ${passed} passed, ${
    results.length - passed
  } failed in ${Math.round((Date.now() - startedAt) / 1000)} s`,
);
process.exit(failed || someFailed() ? 1 : 0);
