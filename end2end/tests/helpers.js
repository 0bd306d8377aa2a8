// Shared steps, by accessible names as a person would see them.
const { expect } = require('@playwright/test');

let counter = 0;
/** An email no other test run has used. */
function uniqueEmail(who) {
  counter += 1;
  return `${who}-${Date.now()}-${counter}@example.com`;
}

/** Waits until the page is hydrated (its menus are interactive). */
async function hydrated(page) {
  await expect(page.locator('.dropdown[data-hydrated]').first()).toBeAttached();
}

async function signUp(page, name, email, password = 'correct horse battery staple') {
  await page.goto('/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
}

async function signIn(page, email, password = 'correct horse battery staple') {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

function switcher(page) {
  return page.locator('#switcher-button');
}

async function signOut(page, name) {
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
}

async function screenshot(page, name) {
  await page.screenshot({ path: `../target/screenshots/${name}.png`, fullPage: true });
}

module.exports = { uniqueEmail, hydrated, signUp, signIn, signOut, switcher, screenshot };
