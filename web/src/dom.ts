/** The element with this id; the page's HTML has every id the scripts use, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found as T;
}

type Attributes = Record<string, string | boolean | undefined>;

/** A new element with attributes (false and undefined leave one out) and children (text or elements). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) created.setAttribute(name, "");
    else if (typeof value === "string") created.setAttribute(name, value);
  }
  created.append(...children);
  return created;
}
