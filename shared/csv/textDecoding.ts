import { TextDecoder } from "node:util";

import { CsvEncoding } from "./csvEncoding";

// Windows-1252 differs from Latin-1 in 0x80-0x9F; Node's TextDecoder reads those as C1 controls (Latin-1),
// so the 27 printable ones are mapped here (the 5 unassigned stay as their code points, as browsers do).
const cp1252High = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

function decodeWindows1252(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return /[\x80-\x9f]/.test(text) ? text.replace(/[\x80-\x9f]/g, (c) => cp1252High[c.charCodeAt(0) - 0x80]) : text;
}

/** Turns bytes of one encoding into text; invalid sequences become U+FFFD rather than failing. */
export function textDecoderFor(encoding: CsvEncoding): (bytes: Uint8Array) => string {
  if (encoding === "windows-1252") return decodeWindows1252;
  const decoder = new TextDecoder(encoding);
  return (bytes) => decoder.decode(bytes);
}
