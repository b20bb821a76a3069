/**
 * The browser globals the functions given to page.evaluate use. Those functions run in the page, but compile
 * with the tests, whose program has Node's types and not the DOM's: each one reads its globals as
 * `globalThis as unknown as PageGlobals` (it cannot import anything: only its text reaches the browser).
 */
export interface PageGlobals {
  document: {
    activeElement: PageElement | null;
    body: PageElement;
    documentElement: { scrollWidth: number };
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
  };
  innerWidth: number;
  getComputedStyle(this: void, element: PageElement): { outlineStyle: string; outlineWidth: string };
  axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
}

export interface PageElement {
  id: string;
  textContent: string | null;
}

export interface AxeViolation {
  id: string;
  nodes: { target: string[] }[];
}
