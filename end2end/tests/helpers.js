// Shared steps, by accessible names as a person would see them.
const { expect } = require('@playwright/test');
const { execFileSync, spawn } = require('node:child_process');
const path = require('node:path');

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

/** Starts `demo-inference` (the console's stand-in for a model) where serve.sh points
 * INFERENCE_URL; resolves once it listens. Kill the returned process when done. */
async function startDemoInference() {
  const root = path.resolve(__dirname, '..', '..');
  const inference = spawn(
    path.join(root, process.env.E2E_BIN || 'target/release/studio-console'),
    ['demo-inference', '--listen', `127.0.0.1:${process.env.E2E_INFERENCE_PORT || '3101'}`],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    inference.stdout.once('data', resolve);
    inference.once('exit', (code) => reject(new Error(`demo-inference exited with ${code}`)));
  });
  return inference;
}

/** Runs `demo-trainer` (the console's stand-in for a GPU cluster) until no job is queued;
 * resolves to what it printed. */
function runDemoTrainer(baseURL, steps = 3) {
  const root = path.resolve(__dirname, '..', '..');
  return execFileSync(
    path.join(root, process.env.E2E_BIN || 'target/release/studio-console'),
    ['demo-trainer', '--url', baseURL, '--once', '--steps', String(steps), '--step-ms', '200'],
    {
      cwd: root,
      env: { ...process.env, TRAINER_TOKEN: process.env.E2E_TRAINER_TOKEN || 'e2e-trainer-token-0123456789' },
      encoding: 'utf8',
    },
  );
}

/** Creates an API key named `name` in the workspace whose page is open, through the
 * console as a person would; returns its secret. */
async function createKey(page, name) {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('link', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API key' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create key' }).click();
  return dialog.getByLabel(/copy it now/).inputValue();
}

/** Whether focus is on a dialog's first field, else its first link (where a dialog puts
 * it on opening). Runs in the page: `dialog.evaluate(firstFieldFocused)`. */
function firstFieldFocused(dialog) {
  const items = [...dialog.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea')];
  return document.activeElement === (items.find((el) => el.tagName !== 'A') || items[0]);
}

module.exports = {
  uniqueEmail, hydrated, signUp, signIn, signOut, switcher, screenshot, startDemoInference, runDemoTrainer, createKey,
  firstFieldFocused,
};
