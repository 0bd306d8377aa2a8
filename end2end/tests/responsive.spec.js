// Every page from a 360 px phone to a 1920 px desktop, in light and dark: nothing scrolls
// sideways, the switcher and the user menu open inside the screen, an automated
// accessibility audit (axe-core) finds no serious or critical violation (menus open too),
// and a dialog's buttons stay on screen above a phone's on-screen keyboard. Screenshots of
// each are saved (target/screenshots/pages/) to be looked at.
const { test, expect } = require('./fixtures');
const AxeBuilder = require('@axe-core/playwright').default;
const { uniqueEmail, hydrated, signUp, createKey, firstFieldFocused } = require('./helpers');

// The audit runs at a phone's, a tablet's and a desktop's width; the narrowest phone and a
// wide desktop are checked for layout only (the same page, so the same audit).
const AUDITED = [390, 768, 1280];
const WIDTHS = { light: [360, ...AUDITED, 1920], dark: AUDITED };
const SCHEMES = ['light', 'dark'];
// Pages whose menus are audited open (the menus are the same on every page).
const MENU_AUDITED = ['workspace-home', 'settings-members'];
// Pages with rows in their lists by the time they are visited (a member, an invitation and
// its email, a key, a workspace, the audit log, a session).
const WITH_ROWS = ['workspace-members', 'api-keys', 'settings-members', 'settings-invitations', 'settings-workspaces', 'settings-limits', 'settings-audit', 'account'];

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
    'dialog-add-members': `${org}/w/${ws}/members?dialog=add-members`,
  };
}

/** The dialogs a list row opens (revoke a key, manage an invitation, leave the
 * organization), by the links on their pages. */
async function rowDialogs(page, org, ws) {
  const found = {};
  const rows = {
    'dialog-revoke-key': [`${org}/w/${ws}/api-keys`, 'a[href*="dialog=revoke-key"]'],
    'dialog-manage-invitation': [`${org}/settings/members/invitations`, 'a[href*="dialog=manage-invitation"]'],
    'dialog-remove-member': [`${org}/settings/members`, 'a[href*="dialog=remove-member"]'],
  };
  for (const [name, [path, link]] of Object.entries(rows)) {
    await page.goto(path);
    found[name] = await page.locator(link).first().getAttribute('href');
  }
  return found;
}

/** Pages seen signed out. */
const PUBLIC_PAGES = { 'sign-in': '/signin', 'sign-up': '/signup', 'forgot-password': '/forgot-password', terms: '/terms' };

async function audit(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Cells of a stacking table whose line name (data-label) is missing or is not the header
 * of their column: on a phone that name is all that tells what the value is. */
async function unnamedCells(page) {
  return page.evaluate(() => {
    const found = [];
    for (const table of document.querySelectorAll('table.stacks')) {
      const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
      for (const row of table.querySelectorAll('tbody tr')) {
        [...row.cells].forEach((cell, i) => {
          if (i === 0 || cell.colSpan > 1 || cell.classList.contains('row-actions')) return;
          if (cell.dataset.label !== headers[i]) found.push(`"${headers[i]}" cell named "${cell.dataset.label}"`);
        });
      }
    }
    return found;
  });
}

/** Lists whose rows do not show as stacked, labelled lines (on a phone). */
async function unstacked(page) {
  return page.evaluate(() => [...document.querySelectorAll('table.stacks')]
    .filter((table) => {
      const row = table.querySelector('tbody tr');
      const cell = row?.querySelector('td[data-label]');
      if (!cell) return false;
      const label = getComputedStyle(cell, '::before').content;
      return getComputedStyle(row).display !== 'block' || !label.includes(cell.dataset.label);
    })
    .map((table) => table.querySelector('caption').textContent));
}

/** Row actions cut off by their table's box (reachable only by scrolling it sideways). */
async function hiddenActions(page) {
  return page.evaluate(() => [...document.querySelectorAll('.table-scroll .row-actions :is(a, button)')]
    .filter((el) => {
      const [b, box] = [el.getBoundingClientRect(), el.closest('.table-scroll').getBoundingClientRect()];
      return b.right > box.right + 1 || b.left < box.left - 1;
    })
    .map((el) => el.getAttribute('aria-label') || el.textContent.trim()));
}

async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

for (const scheme of SCHEMES) {
  test(`every page fits and passes the audit at every width (${scheme})`, async ({ browser }) => {
    test.setTimeout(480_000);
    const problems = [];
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    for (const [name, path] of Object.entries(PUBLIC_PAGES)) {
      for (const width of WIDTHS[scheme]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(path);
        await page.screenshot({ path: `../target/screenshots/pages/${name}-${width}-${scheme}.png`, fullPage: true });
        const extra = await overflow(page);
        if (extra > 0) problems.push(`${name} at ${width}: ${extra} px wider than the screen`);
        if (AUDITED.includes(width)) for (const v of await audit(page)) problems.push(`${name} at ${width}: ${v}`);
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
    const pages = { ...consolePages(org, ws), ...(await rowDialogs(page, org, ws)) };
    for (const [name, path] of Object.entries(pages)) {
      for (const width of WIDTHS[scheme]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(path);
        await page.waitForLoadState('networkidle');
        if (name !== 'account') await hydrated(page);
        await page.screenshot({ path: `../target/screenshots/pages/${name}-${width}-${scheme}.png`, fullPage: true });
        const extra = await overflow(page);
        if (extra > 0) problems.push(`${name} at ${width}: ${extra} px wider than the screen`);
        if (AUDITED.includes(width)) for (const v of await audit(page)) problems.push(`${name} at ${width}: ${v}`);
        if (width === 390) {
          for (const c of await unnamedCells(page)) problems.push(`${name}: ${c}`);
          for (const t of await unstacked(page)) problems.push(`${name} at 390: "${t}" does not stack`);
          const rows = await page.locator('table.stacks tbody tr').count();
          if (WITH_ROWS.includes(name) && rows === 0) problems.push(`${name} at 390: no list rows to check`);
        }
        for (const a of await hiddenActions(page)) problems.push(`${name} at ${width}: "${a}" is cut off in its table`);
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
          if (!(await menu.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false))) {
            problems.push(`${name} at ${width}: ${button} opens nothing`);
            continue;
          }
          const box = await menu.boundingBox();
          if (box.x < 0 || box.x + box.width > width) {
            problems.push(`${name} at ${width}: ${button}'s menu reaches outside the screen (${Math.round(box.x)}..${Math.round(box.x + box.width)})`);
          }
          if (MENU_AUDITED.includes(name) && (width === 390 || width === 1280)) {
            await page.screenshot({ path: `../target/screenshots/pages/${name}-${button.slice(1)}-${width}-${scheme}.png` });
            for (const v of await audit(page)) problems.push(`${name} at ${width}, ${button} open: ${v}`);
          }
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

// A phone with its on-screen keyboard up leaves about half the screen: each dialog's
// buttons are still in view with focus in its first field, and nothing scrolls sideways.
test("a dialog's buttons stay on screen above a phone's keyboard", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page, 'Short Screen', uniqueEmail('short'));
  await hydrated(page);
  const [org, ws] = new URL(page.url()).pathname.split('/w/');
  const problems = [];
  for (const width of [360, 390]) {
    await page.setViewportSize({ width, height: 420 });
    for (const [name, path] of Object.entries(consolePages(org, ws)).filter(([n]) => n.startsWith('dialog-'))) {
      await page.goto(path);
      await hydrated(page);
      const dialog = page.getByRole('dialog');
      await expect(dialog).toBeVisible();
      // The dialog puts focus in its first field, as a tap on it would.
      await expect.poll(() => dialog.evaluate(firstFieldFocused)).toBe(true);
      await page.screenshot({ path: `../target/screenshots/pages/${name}-keyboard-${width}.png` });
      const buttons = dialog.locator('.dialog-actions').last().locator('a, button');
      for (let i = 0; i < (await buttons.count()); i += 1) {
        const box = await buttons.nth(i).boundingBox();
        const label = (await buttons.nth(i).textContent()).trim();
        if (!box || box.y < 0 || box.y + box.height > 420 || box.x < 0 || box.x + box.width > width) {
          problems.push(`${name} at ${width}x420: "${label}" is not on screen`);
        }
      }
      const extra = await overflow(page);
      if (extra > 0) problems.push(`${name} at ${width}x420: ${extra} px wider than the screen`);
    }
  }
  expect(problems, problems.join('\n')).toEqual([]);
});
