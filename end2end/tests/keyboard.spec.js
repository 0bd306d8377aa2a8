// Keyboard-only use: Tab reaches every action of a page, in reading order, with a visible
// focus ring; a dialog opened from the keyboard takes focus, keeps it inside, closes on
// Escape and gives focus back to what opened it.
const { test, expect } = require('./fixtures');
const { uniqueEmail, hydrated, signUp, createKey, firstFieldFocused } = require('./helpers');

/** Everything a person could act on that is on screen (closed menus and dialogs are not). */
const ACTIONABLE = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea, [tabindex="0"]';

/**
 * Presses Tab from the top of the page until focus comes round again; returns, for each
 * stop, its name, where it is, which card holds it, and whether its focus ring shows.
 * Every element reached is marked `data-tabbed`.
 */
async function tabThrough(page) {
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.lastTabbed = null;
    // The focus colour as computed (rgb), to tell a focus ring drawn as a box shadow.
    const probe = document.createElement('span');
    probe.style.color = 'var(--color-focus)';
    document.body.append(probe);
    window.focusColour = getComputedStyle(probe).color;
    probe.remove();
    window.scrollTo(0, 0);
    for (const el of document.querySelectorAll('[data-tabbed]')) el.removeAttribute('data-tabbed');
  });
  const stops = [];
  for (let i = 0; i < 250; i += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      // A date field takes a Tab per part (day, month, year) and stays focused.
      if (el === window.lastTabbed) return { same: true };
      if (el.hasAttribute('data-tabbed')) return { again: true };
      el.setAttribute('data-tabbed', '');
      window.lastTabbed = el;
      // A ring is an outline, or a box shadow in the focus colour (menu items draw one).
      const style = getComputedStyle(el);
      const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow.includes(window.focusColour);
      const box = el.getBoundingClientRect();
      const card = el.closest('.card');
      return {
        id: el.id,
        name: (el.getAttribute('aria-label') || el.textContent || el.getAttribute('placeholder') || el.tagName).trim().replace(/\s+/g, ' ').slice(0, 40),
        top: box.top + window.scrollY,
        left: box.left,
        right: box.right,
        // Cards may sit side by side: reading order is checked within one card.
        card: card ? [...document.querySelectorAll('.card')].indexOf(card) : -1,
        ring,
      };
    });
    if (!stop || stop.again) break;
    if (stop.same) continue;
    stops.push(stop);
  }
  return stops;
}

/** On-screen actions that Tab never reached. */
function unreached(page) {
  return page.evaluate((selector) => [...document.querySelectorAll(selector)]
    .filter((el) => el.checkVisibility({ visibilityProperty: true }) && !el.closest('[inert]'))
    .filter((el) => !el.hasAttribute('data-tabbed') && el.tabIndex >= 0)
    // A radio group is one Tab stop.
    .filter((el) => !(el.type === 'radio' && el.form && [...el.form.elements].some((r) => r.name === el.name && r.hasAttribute('data-tabbed'))))
    .map((el) => (el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 40)), ACTIONABLE);
}

test('every action of every page is reached by Tab, in reading order, with a visible ring', async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, 'Tab Tester', uniqueEmail('tab'));
  await hydrated(page);
  const [org, ws] = new URL(page.url()).pathname.split('/w/');
  await createKey(page, 'Keyboard check');
  const pages = [
    `${org}/w/${ws}`, `${org}/w/${ws}/api-keys`, `${org}/w/${ws}/members`, `${org}/w/${ws}/fine-tuning`,
    `${org}/w/${ws}/usage`, `${org}/settings/members`, `${org}/settings/workspaces`, `${org}/settings/billing`,
    `${org}/settings/limits`, `${org}/settings/audit`, '/account',
  ];
  const problems = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const path of pages) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      if (path !== '/account') await hydrated(page);
      const stops = await tabThrough(page);
      const where = `${path} at ${width}`;
      if (stops.length === 0 || !/Skip to content/.test(stops[0].name) && path !== '/account') {
        problems.push(`${where}: the first Tab stop is ${stops[0]?.name}, not "Skip to content"`);
      }
      for (const s of stops.filter((s) => !s.ring)) problems.push(`${where}: no focus ring on "${s.name}"`);
      // Reading order: within a card each stop is at or below the one before (a row's
      // controls sit side by side, so a few pixels of slack), or in a column to its right
      // (a card's button beside its title and description).
      for (let i = 1; i < stops.length; i += 1) {
        const [before, after] = [stops[i - 1], stops[i]];
        const sameCard = after.card >= 0 && after.card === before.card;
        if (sameCard && after.top < before.top - 8 && after.left < before.right) {
          problems.push(`${where}: "${after.name}" comes after "${before.name}" but sits above it`);
        }
      }
      for (const name of await unreached(page)) problems.push(`${where}: Tab never reaches "${name}"`);
    }
  }
  expect(problems, problems.join('\n')).toEqual([]);
});

test('the shell comes first: skip link, switcher, user menu, then the page', async ({ page }) => {
  await signUp(page, 'Order Tester', uniqueEmail('order'));
  await hydrated(page);
  const [org] = new URL(page.url()).pathname.split('/w/');
  await page.goto(`${org}/settings/members`);
  await hydrated(page);
  const stops = await tabThrough(page);
  const at = (is) => stops.findIndex(is);
  const order = [
    (s) => s.name === 'Skip to content',
    (s) => s.id === 'switcher-button',
    (s) => s.id === 'user-menu-button',
    (s) => s.name === 'Members',
    (s) => s.name === 'Invite members',
    (s) => s.name === 'Search members',
  ];
  const positions = order.map(at);
  expect(positions, stops.map((s) => s.name).join(' | ')).not.toContain(-1);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
});

test('a dialog opened from the keyboard keeps focus and gives it back on Escape', async ({ page }) => {
  await signUp(page, 'Dee Alog', uniqueEmail('dee'));
  await hydrated(page);
  const [org, ws] = new URL(page.url()).pathname.split('/w/');
  const dialogs = [
    { path: `${org}/settings/members`, opener: 'Invite members', dialog: 'Invite members' },
    { path: `${org}/settings/workspaces`, opener: 'New Workspace', dialog: 'New Workspace' },
    { path: `${org}/w/${ws}/api-keys`, opener: 'Create API key', dialog: 'Create API key' },
    { path: `${org}/w/${ws}/fine-tuning`, opener: 'New fine-tuning job', dialog: 'New fine-tuning job' },
    { path: `${org}/w/${ws}/members`, opener: 'Add Members', dialog: /^Add Members to / },
  ];
  for (const { path, opener, dialog } of dialogs) {
    await page.goto(path);
    await hydrated(page);
    const link = page.getByRole('link', { name: opener, exact: true });
    await link.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: dialog });
    await expect(panel).toBeVisible();
    // Focus moves to the dialog's first field (its first link when it has none) and stays
    // inside, whatever the number of Tabs.
    await expect.poll(() => panel.evaluate(firstFieldFocused), { message: `${dialog}: focus is on its first field` }).toBe(true);
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      expect(await panel.evaluate((d) => d.contains(document.activeElement)), `${dialog}: Tab ${i + 1} stays inside`).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await panel.evaluate((d) => d.contains(document.activeElement)), `${dialog}: Shift+Tab stays inside`).toBe(true);
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await expect(link, `${dialog}: focus is back on its opener`).toBeFocused();
  }
  // A dialog opened from a menu gives focus back to the menu's button (the item is gone).
  await page.goto(`${org}/w/${ws}`);
  await hydrated(page);
  await page.locator('#switcher-button').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu').getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('menuitem', { name: /Create organization/ })).toBeFocused();
  await page.keyboard.press('Enter');
  const create = page.getByRole('dialog', { name: 'Create organization' });
  await expect(create).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(create).toBeHidden();
  await expect(page.locator('#switcher-button')).toBeFocused();
});
