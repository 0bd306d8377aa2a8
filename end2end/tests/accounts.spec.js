// Sign up, the shell, sign out and sign in: once hydrated, once without JavaScript.
const { test, expect } = require('./fixtures');
const { uniqueEmail, hydrated, signUp, signIn, signOut, switcher, screenshot } = require('./helpers');

test('sign up lands in the default organization; sign out and in again', async ({ page }) => {
  const email = uniqueEmail('ada');
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin$/);
  await screenshot(page, 'signin');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await screenshot(page, 'signup');

  await signUp(page, 'Ada Lovelace', email);
  await hydrated(page);
  await expect(switcher(page)).toContainText("Ada Lovelace's Organization");
  await expect(switcher(page)).toContainText('Default');
  await expect(page.getByRole('heading', { name: 'Default', level: 1 })).toBeVisible();
  await screenshot(page, 'workspace-home');

  // The switcher lists the organization and its workspace, the current ones marked.
  await switcher(page).click();
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem', { name: /^Ada Lovelace's Organization/ })).toHaveAttribute('aria-current', 'true');
  await expect(menu.getByRole('menuitem', { name: /Default/ })).toBeVisible();
  await screenshot(page, 'switcher-open');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  // The user menu is named by the user's name.
  await page.getByRole('button', { name: 'Ada Lovelace', exact: true }).click();
  await expect(page.getByRole('menuitem', { name: 'Admin Settings' })).toBeVisible();
  await screenshot(page, 'user-menu-open');
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);

  await signIn(page, email);
  await expect(page).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
  await expect(switcher(page)).toContainText("Ada Lovelace's Organization");
});

test('menus work from the keyboard', async ({ page }) => {
  await signUp(page, 'Kay Board', uniqueEmail('kay'));
  await hydrated(page);
  await switcher(page).focus();
  await page.keyboard.press('Enter');
  const items = page.getByRole('menu').getByRole('menuitem');
  await expect(items.first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(items.last()).toBeFocused();
  await expect(items.last()).toHaveText(/Create organization/);
  await page.keyboard.press('ArrowDown');
  await expect(items.first()).toBeFocused(); // wraps around
  await page.keyboard.press('ArrowUp');
  await expect(items.last()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toBeHidden();
  await expect(switcher(page)).toBeFocused();
});

test('sign-in and sign-up errors are shown by the field', async ({ page }) => {
  const email = uniqueEmail('grace');
  await signUp(page, 'Grace Hopper', email);
  await hydrated(page);
  await signOut(page, 'Grace Hopper');

  await signIn(page, email, 'not the password');
  await expect(page.getByRole('alert')).toContainText('Incorrect email or password.');
  await signIn(page, uniqueEmail('nobody'), 'not the password');
  await expect(page.getByRole('alert')).toContainText('Incorrect email or password.');
  await screenshot(page, 'signin-error');

  await page.goto('/signup');
  await page.getByLabel('Name').fill('Grace Again');
  await page.getByLabel('Work email').fill(email.toUpperCase());
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Password must be at least 8 characters.')).toBeVisible();
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Password')).toBeFocused();
  await screenshot(page, 'signup-errors');
  await page.getByLabel('Password').fill('long enough now');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('An account with this email already exists.')).toBeVisible();
  await expect(page.getByLabel('Work email')).toHaveAttribute('aria-invalid', 'true');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('sign up, see the organization, sign out and in again', async ({ page }) => {
    const email = uniqueEmail('nojs');
    await signUp(page, 'Noah Script', email);
    await expect(switcher(page)).toContainText("Noah Script's Organization");
    await expect(switcher(page)).toContainText('Default');

    // The menu opens by focus alone, and its Sign out form posts.
    await signOut(page, 'Noah Script');

    await signIn(page, email, 'wrong password');
    await expect(page.getByRole('alert')).toContainText('Incorrect email or password.');
    await signIn(page, email);
    await expect(page).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
    await expect(switcher(page)).toContainText("Noah Script's Organization");
  });
});

// `next` values that some browsers turn into another site (a tab is dropped, a backslash
// read as a slash) are not followed: signing in stays on the console, with and without JS.
for (const javaScriptEnabled of [true, false]) {
  test(`a hostile next parameter keeps sign-in on the console (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ browser, baseURL }) => {
    const context = await browser.newContext({ javaScriptEnabled, baseURL });
    const page = await context.newPage();
    const email = uniqueEmail('nextie');
    await signUp(page, 'Nextie', email);
    await context.clearCookies();
    for (const next of ['%2F%09%2Fevil.example', '%2F%5Cevil.example', '%2F%2Fevil.example']) {
      await page.goto(`/signin?next=${next}`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery staple');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
      expect(new URL(page.url()).host).toBe(new URL(baseURL).host);
      await context.clearCookies();
    }
    await context.close();
  });
}
