/**
 * Just enough of Bicep's text to check a template without the Bicep compiler (which no package registry
 * reachable here ships): comments and strings told apart from code, params, outputs, module calls.
 */

/** The code with comments blanked and string contents kept apart: `code` has every string replaced by `''`. */
export function withoutCommentsAndStrings(text: string): string {
  let code = "";
  for (let i = 0; i < text.length;) {
    if (text.startsWith("//", i)) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      i = end < 0 ? text.length : end + 3;
      code += "''";
    } else if (text[i] === "'") {
      i++;
      while (i < text.length && text[i] !== "'") i += text[i] === "\\" ? 2 : 1;
      i++;
      code += "''";
    } else {
      code += text[i++];
    }
  }
  return code;
}

/** Whether (), [] and {} nest properly outside strings and comments; the first problem otherwise. */
export function bracketProblem(text: string): string | null {
  const code = withoutCommentsAndStrings(text);
  const open: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (const [index, char] of [...code].entries()) {
    if ("([{".includes(char)) open.push(char);
    else if (char in pairs && open.pop() !== pairs[char]) return `unmatched ${char} at character ${index} of the code`;
  }
  return open.length ? `${open.length} bracket(s) left open` : null;
}

export interface BicepParam {
  name: string;
  /** A default value or a nullable type: the caller may leave it out. */
  optional: boolean;
}

export function paramsOf(text: string): BicepParam[] {
  return [...withoutCommentsAndStrings(text).matchAll(/^param\s+(\w+)\s+([^\n=]+?)\s*(=.*)?$/gm)].map((m) => ({
    name: m[1],
    optional: m[3] !== undefined || m[2].trim().endsWith("?"),
  }));
}

export function outputsOf(text: string): string[] {
  return [...withoutCommentsAndStrings(text).matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]);
}

export interface ModuleCall {
  symbol: string;
  source: string;
  /** The keys of its `params` object. */
  params: string[];
}

/** Every `module x '<source>' = {...}` with the top-level keys of its params. */
export function modulesOf(text: string): ModuleCall[] {
  const code = withoutCommentsAndStrings(text);
  const sources = [...text.matchAll(/^module\s+(\w+)\s+'([^']+)'/gm)];
  return sources.map(([, symbol, source]) => {
    const start = code.search(new RegExp(`^module\\s+${symbol}\\s`, "m"));
    const paramsAt = code.indexOf("params:", start);
    const body = objectAt(code, code.indexOf("{", paramsAt));
    return { symbol, source, params: topLevelKeys(body) };
  });
}

/** The text of the `{...}` object starting at `open`, braces included. */
function objectAt(code: string, open: number): string {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if ("{[(".includes(code[i])) depth++;
    else if ("}])".includes(code[i]) && --depth === 0) return code.slice(open, i + 1);
  }
  throw new Error("unclosed object");
}

function topLevelKeys(object: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (const line of object.split("\n")) {
    const key = /^\s*(\w+)\s*:/.exec(line);
    if (depth === 1 && key) keys.push(key[1]);
    for (const char of line) {
      if ("{[(".includes(char)) depth++;
      else if ("}])".includes(char)) depth--;
    }
  }
  return keys;
}
