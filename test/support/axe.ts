import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The success criteria the portal answers for: WCAG 2.1, levels A and AA. */
export const wcag21aa = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * WCAG 2.1 A/AA rules axe marks experimental, which a run by tags leaves out: 2.5.3 (a label
 * inside the accessible name), 1.3.4 (orientation), 1.3.1 (fake headings, captions and cells).
 */
export const experimentalWcagRules = [
  'label-content-name-mismatch',
  'css-orientation-lock',
  'p-as-heading',
  'td-has-header',
  'table-fake-caption',
];

/**
 * One line per element a WCAG 2.1 A/AA rule fails on, whatever the impact: rule id, impact,
 * target and axe's summary of the failure (the colours and ratio for a contrast).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  // Fonts change the sizes, and so the contrast thresholds, of what axe measures.
  await page.evaluate('document.fonts.ready.then(() => true)');
  // The page as it rests: htmx done swapping and settling, no fade (the request indicator's)
  // caught half way, which axe would measure at that instant's opacity.
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.htmx-request, .htmx-swapping, .htmx-settling').length === 0 &&
      document
        .getAnimations()
        .every(
          (animation) => !(animation instanceof CSSTransition) || animation.playState !== 'running',
        ),
  );
  const byTags = await new AxeBuilder({ page }).withTags(wcag21aa).analyze();
  const experimental = await new AxeBuilder({ page }).withRules(experimentalWcagRules).analyze();
  return [...byTags.violations, ...experimental.violations].flatMap((violation) =>
    violation.nodes.map((node) => {
      const why = node.failureSummary?.replace(/\s+/g, ' ').trim() ?? violation.help;
      return `${violation.id} (${violation.impact ?? 'n/a'}) ${node.target.join(' ')}: ${why}`;
    }),
  );
}

/**
 * Checks the page as it stands against WCAG 2.1 A/AA and records `state` as covered. Soft: a run
 * lists every state's violations, and the test still fails on any of them.
 */
export async function expectNoAxeViolations(
  page: Page,
  state: string,
  covered?: Set<string>,
): Promise<void> {
  if (covered) {
    expect(covered.has(state), `state "${state}" checked twice`).toBe(false);
    covered.add(state);
  }
  expect.soft(await axeViolations(page), `axe, ${state} (${page.url()})`).toEqual([]);
}
