// Time to interactive of a console page on a throttled phone-like browser: Debian's
// Chromium through Playwright (end2end/node_modules), network throttled to a 4G profile
// and the CPU slowed 4x by the DevTools protocol, cache empty. It signs in, then for each
// run opens the page in a fresh browser context, waits for the organization switcher to
// be hydrated and clicks it: the moment it opens is "interactive". It prints the median
// and worst of RUNS, and the bytes (as sent, compressed) of JS and wasm downloaded.
// Usage (bench/tti.sh sets these): BASE, PAGE, EMAIL, PASSWORD, RUNS, PROFILE.
const path = require('node:path');
const { chromium } = require(path.join(__dirname, '../end2end/node_modules/@playwright/test'));

// DevTools' presets (bytes per second, ms of latency), the CPU slowed 4x for both.
const PROFILES = {
  'fast-4g': { download: (9000 * 1024) / 8, upload: (1500 * 1024) / 8, latency: 60 },
  'slow-4g': { download: (1600 * 1024) / 8, upload: (750 * 1024) / 8, latency: 150 },
};
const CPU_SLOWDOWN = 4;

const env = (name, fallback) => process.env[name] ?? fallback;
const base = env('BASE', 'http://127.0.0.1:3000');
const page = env('PAGE', '/');
const runs = Number(env('RUNS', '7'));
const profile = PROFILES[env('PROFILE', 'fast-4g')];
if (!profile) throw new Error(`PROFILE is one of ${Object.keys(PROFILES).join(', ')}`);

async function signedInState(browser) {
  const context = await browser.newContext();
  const res = await context.request.post(`${base}/api/sign_in`, {
    form: { email: env('EMAIL'), password: env('PASSWORD') },
  });
  const state = await context.storageState();
  if (!res.ok() || !state.cookies.some((c) => c.name === 'console_session')) {
    throw new Error(`sign-in failed (${res.status()}): check EMAIL and PASSWORD`);
  }
  await context.close();
  return state;
}

async function once(browser, storageState) {
  const context = await browser.newContext({ storageState });
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: profile.latency,
    downloadThroughput: profile.download,
    uploadThroughput: profile.upload,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  const kinds = new Map();
  const bytes = { js: 0, wasm: 0, html: 0, css: 0 };
  cdp.on('Network.responseReceived', (e) => {
    const url = e.response.url.split('?')[0];
    const kind = url.endsWith('.wasm') ? 'wasm' : url.endsWith('.js') ? 'js'
      : url.endsWith('.css') ? 'css' : e.type === 'Document' ? 'html' : null;
    if (kind) kinds.set(e.requestId, kind);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const kind = kinds.get(e.requestId);
    if (kind) bytes[kind] += e.encodedDataLength;
  });

  const started = Date.now();
  await tab.goto(base + page, { waitUntil: 'commit' });
  const button = tab.locator('#switcher-button');
  const menu = tab.locator('#switcher');
  // Interactive: the switcher is hydrated and one click opens it. (A click before
  // hydration is kept by the page, but it would open the menu by focus and hide what is
  // measured here: whether the page answers a click.)
  let interactive = null;
  try {
    await tab.locator('.switcher[data-hydrated]').waitFor({ state: 'attached', timeout: 60_000 });
    await button.click();
    await menu.waitFor({ state: 'visible', timeout: 5000 });
    interactive = Date.now() - started;
  } catch (e) {
    interactive = null;
  }
  await context.close();
  if (interactive === null) throw new Error('the switcher never opened');
  return { interactive, bytes };
}

(async () => {
  const browser = await chromium.launch({
    executablePath: env('CHROMIUM_PATH', '/usr/bin/chromium'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const storageState = await signedInState(browser);
  const times = [];
  let bytes = null;
  for (let i = 0; i < runs; i += 1) {
    const run = await once(browser, storageState);
    times.push(run.interactive);
    bytes = run.bytes;
  }
  await browser.close();
  times.sort((a, b) => a - b);
  const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`${page} (${env('PROFILE', 'fast-4g')}, CPU ${CPU_SLOWDOWN}x slower, ${runs} runs, cache empty)`);
  console.log(`  interactive: median ${times[Math.floor(runs / 2)]} ms, worst ${times[runs - 1]} ms (all: ${times.join(', ')})`);
  console.log(`  downloaded as sent: html ${kb(bytes.html)}, css ${kb(bytes.css)}, js ${kb(bytes.js)}, wasm ${kb(bytes.wasm)}`);
})().catch((e) => { console.error(e); process.exit(1); });
