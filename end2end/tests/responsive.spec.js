// Every page at a phone's, a tablet's and a desktop's width, in light and dark: nothing
// scrolls sideways, the switcher and the user menu open, and an automated accessibility
// audit (axe-core) finds no serious or critical violation. Screenshots of each are saved
// (target/screenshots/pages/) to be looked at.
const { test, expect } = require('./fixtures');
const AxeBuilder = require('@axe-core/playwright').default;
const { uniqueEmail, hydrated, signUp, createKey } = require('./helpers');

const WIDTHS = [390, 768, 1280];
const SCHEMES = ['light', 'dark'];

/** The console's pages for an organization Admin, by a short name. */
function consolePages(org, ws) {
  return {
    'workspace-home': `${org}/w/${ws}`,
    'workspace-members': `${org}/w/${ws}/members`,
    'api-keys': `${org}/w/${ws}/api-keys`,
    datasets: `${org}/w/${ws}/datasets`,
    'fine-tuning': `${org}/w/${ws}/fine-tuning`,
    models: `${org}/w/${ws}/models`,
    usage: `${org}/w/${ws}/usage`,
    'settings-general': `${org}/settings/general`,
    'settings-members': `${org}/settings/members`,
    'settings-invitations': `${org}/settings/members/invitations`,
    'settings-requests': `${org}/settings/members/requests`,
    'settings-workspaces': `${org}/settings/workspaces`,
    'settings-permissions': `${org}/settings/permissions`,
    'settings-domains': `${org}/settings/domains`,
    'settings-billing': `${org}/settings/billing`,
    'settings-subscription': `${org}/settings/billing/subscription`,
    'settings-invoices': `${org}/settings/billing/invoices`,
    'settings-limits': `${org}/settings/limits`,
    'settings-audit': `${org}/settings/audit`,
    account: '/account',
    // Dialogs, open.
    'dialog-invite': `${org}/settings/members?dialog=invite`,
    'dialog-new-workspace': `${org}/settings/workspaces?dialog=new-workspace`,
    'dialog-new-key': `${org}/w/${ws}/api-keys?dialog=new-key`,
    'dialog-new-job': `${org}/w/${ws}/fine-tuning?dialog=new-job`,
    'dialog-create-organization': `${org}/w/${ws}?dialog=create-organization`,
  };
}

/** Pages seen signed out. */
const PUBLIC_PAGES = { 'sign-in': '/signin', 'sign-up': '/signup', 'forgot-password': '/forgot-password', terms: '/terms' };

async function audit(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

for (const scheme of SCHEMES) {
  test(`every page fits and passes the audit at every width (${scheme})`, async ({ browser }) => {
    test.setTimeout(240_000);
    const problems = [];
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    for (const [name, path] of Object.entries(PUBLIC_PAGES)) {
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(path);
        await page.screenshot({ path: `../target/screenshots/pages/${name}-${width}-${scheme}.png`, fullPage: true });
        const extra = await overflow(page);
        if (extra > 0) problems.push(`${name} at ${width}: ${extra} px wider than the screen`);
        for (const v of await audit(page)) problems.push(`${name} at ${width}: ${v}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await signUp(page, 'Ada Admin', uniqueEmail('ada'));
    await hydrated(page);
    const [org, ws] = new URL(page.url()).pathname.split('/w/');
    // Rows in the lists: an invitation with a long address, and an API key.
    await page.goto(`${org}/settings/members?dialog=invite`);
    const invite = page.getByRole('dialog', { name: 'Invite members' });
    await invite.getByLabel('Email addresses').fill(`a-rather-long-address-${Date.now()}@subsidiary.example.com`);
    await invite.getByRole('button', { name: 'Review invitations' }).click();
    await page.getByRole('dialog', { name: 'Review invitations' }).getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Invitation sent to 1 person.' })).toBeVisible();
    await page.goto(`${org}/w/${ws}`);
    await hydrated(page);
    await createKey(page, 'Responsive check');
    for (const [name, path] of Object.entries(consolePages(org, ws))) {
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(path);
        await page.waitForLoadState('networkidle');
        if (name !== 'account') await hydrated(page);
        await page.screenshot({ path: `../target/screenshots/pages/${name}-${width}-${scheme}.png`, fullPage: true });
        const extra = await overflow(page);
        if (extra > 0) problems.push(`${name} at ${width}: ${extra} px wider than the screen`);
        for (const v of await audit(page)) problems.push(`${name} at ${width}: ${v}`);
        // The switcher and the user menu open, on screen (Account is a page of its own;
        // an open dialog is modal).
        const menus = name === 'account' || name.startsWith('dialog-') ? [] : ['#switcher-button', '#user-menu-button'];
        for (const button of menus) {
          const trigger = page.locator(button);
          if (!(await trigger.isVisible())) {
            problems.push(`${name} at ${width}: ${button} is not on screen`);
            continue;
          }
          await trigger.click();
          const menu = page.locator(`[aria-labelledby="${button.slice(1)}"]`).first();
          if (!(await menu.isVisible())) problems.push(`${name} at ${width}: ${button} opens nothing`);
          await page.keyboard.press('Escape');
        }
      }
    }
    await context.close();
    expect(problems, problems.join('\n')).toEqual([]);
  });
}

test('a menu opened before the page is hydrated stays open', async ({ page }) => {
  await signUp(page, 'Early Clicker', uniqueEmail('early'));
  await hydrated(page);
  const url = page.url();
  // Hold the wasm back so the click surely lands before hydration.
  await page.route('**/*.wasm', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  // Not hydrated yet: the click is the early one this is about.
  await expect(page.locator('.dropdown[data-hydrated]')).toHaveCount(0);
  await page.locator('#switcher-button').click();
  const menu = page.locator('#switcher');
  await expect(menu).toBeVisible();
  await hydrated(page);
  // Hydrated, the menu is open by its state (it would have closed before the fix).
  await expect(page.locator('#switcher-button')).toHaveAttribute('aria-expanded', 'true');
  await expect(menu).toBeVisible();
  // The switcher manages as well as switches.
  await expect(menu.getByRole('menuitem', { name: /^Manage / }).first()).toBeVisible();
});
