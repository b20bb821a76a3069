/** A record whose cells are all empty or spaces: a blank spreadsheet line, neither imported nor counted. */
export function isBlankRecord(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === "");
}
