// Accessibility audits with axe-core (pinned in package.json, installed by `cargo xtask setup`).
//
// `audit(page, label)` runs axe-core over the page as it is now, against WCAG 2.1 A and AA and
// axe's best practices, in the page's current colour scheme or in each of `schemes` (switched with
// Playwright's emulateMedia, so one settled screen is checked light and dark). A serious or critical
// violation throws, naming the rule, the elements and what axe says to fix; the rest is printed.
//
// axe is injected with page.evaluate, which the DevTools protocol runs outside the page's
// Content-Security-Policy: the policy the page runs under stays as strict as ever, and the
// harness's violation checks still watch it (axe itself must not provoke one).

import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_VERSION = JSON.parse(fs.readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version;

export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
/** The rules whose verdict depends on the colours: all a second colour scheme needs checked again. */
export const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];
const BLOCKING = new Set(['serious', 'critical']);

/** One violation in words: rule, impact, what to fix, and where. */
export function describe(v) {
  const where = v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.split('\n').join('\n      ') ?? ''}`);
  const more = v.nodes.length > 5 ? [`    …and ${v.nodes.length - 5} more`] : [];
  return [`  ${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>`, ...where, ...more].join('\n');
}

/**
 * axe's violations on `page` now (its current colour scheme), of every rule or of `rules`;
 * counted in `tally` ({ audits, ms }: what a file's audits took, for its summary) when given.
 */
export async function violations(page, rules = null, tally = null) {
  const started = Date.now();
  // Once per document: a navigation brings a fresh window without it.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async ([tags, rules]) => {
    const result = await window.axe.run(document, {
      runOnly: rules ? { type: 'rule', values: rules } : { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    // Plain data only: nodes' targets, summaries, impacts.
    return result.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
      id, impact, help, helpUrl,
      nodes: nodes.map(({ target, failureSummary, impact: nodeImpact }) => ({ target, failureSummary, impact: nodeImpact })),
    }));
  }, [TAGS, rules]);
  if (tally) {
    tally.audits += 1;
    tally.ms += Date.now() - started;
  }
  return found;
}

/**
 * Audits `page` in each of `schemes` ('light', 'dark'; null: as it is): every rule in the first,
 * the colour rules in the others (the rest read the same DOM, whatever the colours). Throws on a
 * serious or critical violation; prints the others (with `label`, so a reader knows which
 * screen). Returns the violations found, per scheme.
 */
export async function audit(page, label, { schemes = ['light', 'dark'], log = (line) => process.stderr.write(`${line}\n`), tally = null } = {}) {
  const found = {};
  const blocking = [];
  for (const [i, scheme] of (schemes ?? [null]).entries()) {
    if (scheme) await page.emulateMedia({ colorScheme: scheme });
    const list = await violations(page, i === 0 ? null : COLOUR_RULES, tally);
    const name = scheme ? `${label} (${scheme})` : label;
    found[scheme ?? 'current'] = list;
    const minor = list.filter((v) => !BLOCKING.has(v.impact));
    if (minor.length) log(`axe ${AXE_VERSION}, ${name}: ${minor.length} minor or moderate\n${minor.map(describe).join('\n')}`);
    for (const v of list.filter((v) => BLOCKING.has(v.impact))) blocking.push(`${name}\n${describe(v)}`);
  }
  if (blocking.length) {
    throw new Error(`axe-core ${AXE_VERSION}: serious or critical accessibility violations\n${blocking.join('\n')}`);
  }
  return found;
}
