// Every test runs under the console's Content-Security-Policy: a page whose script or
// style the policy blocked fails the test that opened it (Chromium reports each violation
// as a console error naming the policy).
const base = require('@playwright/test');

const test = base.test.extend({
  cspGuard: [
    async ({ page }, use) => {
      const violations = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
          violations.push(msg.text());
        }
      });
      await use();
      base.expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

module.exports = { ...base, test };
