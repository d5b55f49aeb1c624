// The Content-Security-Policy: what the build writes, what the page is served with, and that the
// whole flow runs under it without a single violation while it still refuses what it should.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { useHarness, DIST, isCspConsoleMessage, emulatorConfig, xtask } from './harness.mjs';

const h = useHarness();

/** The directives of a policy, as { name: [sources] }. */
function directives(policy) {
  return Object.fromEntries(policy.split(';').map((d) => d.trim()).filter(Boolean)
    .map((d) => { const [name, ...sources] = d.split(/\s+/); return [name, sources]; }));
}

/** SHA-256 sources of the inline scripts of an HTML text, computed here independently of xtask. */
function inlineScriptHashes(html) {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    .filter(([, attrs]) => !/\bsrc\s*=/i.test(attrs))
    .map(([, , text]) => `'sha256-${crypto.createHash('sha256').update(text).digest('base64')}'`);
}

h.test('the built index.html carries a CSP meta whose script hashes are exactly its inline scripts', async () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(meta, 'index.html has a CSP meta tag (written by the post_build hook)');
  assert.ok(html.indexOf(meta[0]) < html.search(/<script/i), 'the meta comes before every script');
  const d = directives(meta[1]);
  const hashes = inlineScriptHashes(html);
  assert.ok(hashes.length >= 1, 'Trunk wrote an inline loader script');
  assert.deepEqual(d['script-src'], ["'self'", ...hashes, "'wasm-unsafe-eval'"]);
  assert.equal(d['frame-ancestors'], undefined, 'frame-ancestors is left to the header (a meta cannot carry it)');
});

h.test('the page is served with a strict CSP header and meta naming only the configured origins', async () => {
  const page = await h.newPage();
  const response = await page.goto(h.appUrl);
  const header = directives(response.headers()['content-security-policy']);
  const meta = directives(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'));
  const e = h.emulatorOrigin;
  assert.deepEqual(header['default-src'], ["'none'"]);
  assert.deepEqual(header['connect-src'], ["'self'", e], 'connect-src: the page and the configured endpoints');
  assert.deepEqual(header['img-src'], ['data:', e], 'img-src: the empty icon, and where the profile picture comes from');
  assert.deepEqual(header['base-uri'], ["'none'"]);
  assert.deepEqual(header['form-action'], ["'none'"]);
  assert.deepEqual(header['object-src'], ["'none'"]);
  assert.deepEqual(header['frame-ancestors'], ["'none'"]);
  assert.ok(!JSON.stringify(header).includes('unsafe-inline') && !JSON.stringify(header).includes("'unsafe-eval'"), 'no unsafe-inline or unsafe-eval');
  const { 'frame-ancestors': _omit, ...headerWithoutFrames } = header;
  assert.deepEqual(meta, headerWithoutFrames, 'the meta says what the header says, less frame-ancestors');
  assert.equal(response.headers()['referrer-policy'], 'no-referrer');
  await h.waitSignedOut(page);
});

h.test('sign-in, profile and sign-out under the CSP: no violation and no console error at all', async () => {
  const page = await h.openApp();
  await h.signIn(page);
  await page.getByTestId('profile-picture').evaluate((img) => img.decode());
  await h.signOutButton(page).click();
  await page.getByRole('status').filter({ hasText: /revoked/i }).first().waitFor();
  await page.waitForLoadState('networkidle');

  assert.deepEqual(h.cspViolations, [], 'no securitypolicyviolation event');
  // Every page of the sign-in, the emulator's consent page too (it once let the browser ask for
  // a /favicon.ico it does not serve: "Failed to load resource: 404").
  const errors = h.consoleEntries
    .filter((m) => m.type === 'error' || isCspConsoleMessage(m.text))
    .map((m) => `${m.text} (${m.url})`);
  assert.deepEqual(errors, [], 'no console error on any page of the sign-in');
});

h.test('the CSP refuses a connection to an unconfigured origin and an injected script', async () => {
  const page = await h.openApp();
  await h.waitSignedOut(page);
  const outcome = await page.evaluate(async () => {
    const fetched = await fetch('http://127.0.0.1:9/exfiltrate').then(() => 'sent', () => 'refused');
    let injected;
    try {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = 1';
      document.head.append(script);
      injected = 'appended';
    } catch {
      injected = 'refused';
    }
    return { fetched, injected, ran: typeof window.__injected };
  });
  assert.equal(outcome.fetched, 'refused', 'fetch to an origin outside connect-src fails');
  assert.equal(outcome.ran, 'undefined', 'the injected script never ran');
  const taken = await h.takeViolations(2);
  assert.ok(taken.some((v) => v.directive === 'connect-src' && v.blocked.startsWith('http://127.0.0.1:9')),
    `a connect-src violation was reported: ${JSON.stringify(taken)}`);
  assert.ok(taken.some((v) => v.directive === 'require-trusted-types-for' || v.directive === 'script-src-elem'),
    `the script was refused by Trusted Types or script-src: ${JSON.stringify(taken)}`);
});

h.test('a deployment whose config.json changed without `cargo xtask csp` names each blocked origin and the command, and sends nobody to the provider; after the command sign-in works', async () => {
  const deployed = await fsp.mkdtemp(path.join(os.tmpdir(), 'deployed-'));
  try {
    await fsp.cp(DIST, deployed, { recursive: true });
    // Deployed once as the README says: a config.json, then its policy.
    await fsp.writeFile(path.join(deployed, 'config.json'), JSON.stringify(emulatorConfig('http://127.0.0.1:9')));
    await xtask('csp', deployed);
    // Later the config changes (another provider origin), and the CSP step is forgotten.
    await fsp.writeFile(path.join(deployed, 'config.json'), JSON.stringify(h.defaultConfig()));
    h.app.serveDeployed(deployed);

    const page = await h.openApp();
    await h.expectAlert(page, 'csp_blocks_config');
    const blocked = (await page.getByTestId('blocked-origins').locator('li').allTextContents()).map((t) => t.trim());
    assert.deepEqual(blocked, [h.emulatorOrigin], 'the one origin the new config needs and the old policy lacks');
    assert.equal((await page.getByTestId('csp-command').textContent()).trim(), 'cargo xtask csp DIR');
    assert.equal(await h.signInButton(page).count(), 0, 'no way to start a sign-in that could not finish');
    assert.deepEqual(await h.log(), [], 'nothing reached the provider');
    assert.ok(h.pageRequests.every((r) => !r.url.startsWith(h.emulatorOrigin)), 'the page asked the provider for nothing');

    await xtask('csp', deployed);
    await page.reload();
    await h.signIn(page);
    assert.equal(await page.getByTestId('csp-mismatch').count(), 0);
  } finally {
    await fsp.rm(deployed, { recursive: true, force: true });
  }
});
