import { HostStartupError } from "./hostStartupError";

type Segment =
  | { kind: "literal"; text: string }
  | { kind: "parameter"; name: string; optional: boolean }
  | { kind: "catchAll"; name: string };

/** A Functions route template such as `tenants/{tenant}/clients/{code?}` or `files/{*path}`. */
export class RouteTemplate {
  private readonly segments: Segment[];

  constructor(readonly template: string) {
    const parts = template
      .replace(/^\/+|\/+$/g, "")
      .split("/")
      .filter(Boolean);
    this.segments = parts.map((part, index) => {
      const parameter = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(\?)?\}$/.exec(part);
      if (!parameter) {
        if (/[{}]/.test(part))
          throw new HostStartupError(
            `Route "${template}": segment "${part}" is not supported by the local host (use {name}, {name?} or {*name})`,
          );
        return { kind: "literal", text: part.toLowerCase() };
      }
      const [, star, name, optional] = parameter;
      const last = index === parts.length - 1;
      if ((star || optional) && !last)
        throw new HostStartupError(
          `Route "${template}": {${star ?? ""}${name}${optional ?? ""}} must be the last segment`,
        );
      return star ? { kind: "catchAll", name } : { kind: "parameter", name, optional: Boolean(optional) };
    });
  }

  /** Route parameters when the (decoded) path segments match, else null. Literals ignore case, as in ASP.NET. */
  match(path: string[]): Record<string, string> | null {
    const params: Record<string, string> = {};
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (segment.kind === "catchAll") {
        if (i < path.length) params[segment.name] = path.slice(i).join("/");
        return params;
      }
      if (i >= path.length) return segment.kind === "parameter" && segment.optional ? params : null;
      if (segment.kind === "literal") {
        if (path[i].toLowerCase() !== segment.text) return null;
      } else {
        params[segment.name] = path[i];
      }
    }
    return path.length === this.segments.length ? params : null;
  }

  /** Orders templates so the most specific wins: literals before parameters before catch-alls, segment by segment. */
  static compareSpecificity(a: RouteTemplate, b: RouteTemplate): number {
    const rank = (s: Segment | undefined) =>
      s === undefined ? 3 : s.kind === "literal" ? 0 : s.kind === "parameter" ? 1 : 2;
    for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
      const difference = rank(a.segments[i]) - rank(b.segments[i]);
      if (difference !== 0) return difference;
    }
    return 0;
  }
}
