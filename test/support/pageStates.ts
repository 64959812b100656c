import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { expectNoAxeViolations } from './axe.js';
import { shownText } from './declarationSteps.js';
import { useJourney } from './journey.js';

/*
 * The accessibility suite's journeys (test/accessibility/): every page state is checked by axe
 * once, and each file ends by counting the states it covered.
 */

/** The path of the page's address, as failure messages name it. */
export const pathOf = (page: Page): string => new URL(page.url()).pathname;

/**
 * A journey whose page states are checked by axe: `check` records each state (once) as covered;
 * `expectCovered`, at the end, writes their list beside the screenshots and asks for at least
 * `count` of them, and for no page error but the `expected` ones.
 */
export function usePageStates(name: string) {
  const journey = useJourney(name);
  const covered = new Set<string>();
  return {
    ...journey,
    check: (page: Page, state: string) => expectNoAxeViolations(page, state, covered),
    expectCovered: (count: number, expected: readonly RegExp[] = []): void => {
      writeFileSync(
        fileURLToPath(new URL(`../../test-results/${name}/page-states.txt`, import.meta.url)),
        `${[...covered].join('\n')}\n`,
      );
      expect(covered.size, [...covered].join('\n')).toBeGreaterThanOrEqual(count);
      expect(
        journey.current().problems.filter((problem) => !expected.some((re) => re.test(problem))),
      ).toEqual([]);
    },
  };
}

/** A failed submission puts the focus on its error summary, which names every error. */
export async function expectFocusOnSummary(page: Page): Promise<Locator> {
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  // autofocus takes effect once the page has loaded, a moment after the summary is there.
  await expect
    .poll(() => summary.evaluate((element) => element === document.activeElement), {
      message: `focus on the error summary of ${pathOf(page)}`,
      timeout: 5_000,
    })
    .toBe(true);
  return summary;
}

/** The field is marked invalid and described by its message; returns the message. */
export async function errorBeside(field: Locator): Promise<string> {
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ');
  const errorId = ids.find((id) => id.endsWith('-error'));
  expect(errorId, 'an error among the descriptions').toBeDefined();
  return shownText(field.page().locator(`[id="${errorId}"]`));
}
