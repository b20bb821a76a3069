import { isUsableCode } from "./clientKeys";
import { clientStatuses, parseClientStatus } from "./clientStatus";
import { clientTypes, parseClientType } from "./clientType";
import { DateFormat, readDate } from "./dateFormat";
import { FieldKind } from "./targetFields";
import {
  normaliseCompanyNumber,
  normaliseNiNumber,
  normalisePostcode,
  normaliseTelephone,
  normaliseUtr,
  normaliseVatNumber,
} from "./ukIdentifiers";

export type CellReading = { ok: true; value: string | boolean } | { ok: false; rule: string };

/**
 * Dot-separated words on both sides of the @, the domain of two words or more: no empty word (`a@b..c`, a trailing
 * dot), and no invisible character (a zero-width space pasted from a web page), which no mail server takes.
 */
const emailWord = /[^\s@"(),:;<>[\]\\.\u200b-\u200d\u2060\ufeff]+/.source;
const emailPattern = new RegExp(`^${emailWord}(\\.${emailWord})*@${emailWord}(\\.${emailWord})+$`);
// Maps, not object literals: a cell reading `__proto__` or `constructor` must find nothing.
const booleans = new Map<string, boolean>([
  ["true", true],
  ["false", false],
  ["yes", true],
  ["no", false],
  ["y", true],
  ["n", false],
  ["1", true],
  ["0", false],
]);

const invalid = (rule: string): CellReading => ({ ok: false, rule });
const valid = (value: string | boolean): CellReading => ({ ok: true, value });

/**
 * A number as a spreadsheet shows one too long for its cell, and saves it so into a CSV ("4.47912E+11", or
 * "4,47912E+11" where the decimal mark is a comma): the digits past the first few are gone.
 */
const shortenedNumber = /^\d(?:[.,]\d+)?E\+\d+$/i;
/**
 * What a spreadsheet saves for a formula that failed (a lookup that found nothing: #N/A): Excel's, in English and
 * as German and French Excel write them, Google Sheets' #ERROR! and LibreOffice's Err:502.
 */
const formulaError =
  /^(?:#(?:N\/A|REF!|VALUE!|DIV\/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|UNKNOWN!|BUSY!|GETTING_DATA|ERROR!|NV|WERT!|BEZUG!|ZAHL!|VALEUR!|NOM\?|NOMBRE!|NUL!)|Err:\d{3})$/i;
/**
 * The kinds whose values are long digit strings a spreadsheet takes for numbers; codes too, since a practice's
 * codes are often numbers, and a shortened one would match another client or be stored wrong.
 */
const digitKinds = new Set<FieldKind>(["telephone", "companyNumber", "utr", "vatNumber", "code"]);

/**
 * Tabs and line breaks are text (a multi-line address); other control characters, C1's included (what the bytes
 * Windows-1252 leaves unassigned become), are no part of a client record.
 */
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * A "?" where a letter was: Excel's "CSV (Comma delimited)" writes Windows-1252 and puts "?" for each letter it
 * lacks (Ł, ő, ř, Cyrillic), so a name comes back "?ukasz" or "???? ??????" and would overwrite the good one. In
 * the names, addresses and words of a client record, a "?" touching a letter is that.
 */
const lostLetter = /\p{L}\?|\?[\p{L}?]/u;
/** Combining accents: a name typed on a Mac can arrive decomposed ("Zoe" and U+0308), and must match "Zoë". */
const combiningMark = /[\u0300-\u036f]/;

/** Reads one trimmed, non-empty cell as a field of `kind` (spec 3.2): the normalised value, or the rule it breaks. */
export function readCell(kind: FieldKind, cell: string, dateFormat: DateFormat): CellReading {
  const text = combiningMark.test(cell) ? cell.normalize("NFC") : cell;
  const control = controlCharacter.exec(text);
  if (control)
    return invalid(
      `holds a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")})`,
    );
  // What a decoder puts where the bytes were not of the file's encoding (or a UTF-16 file was cut mid-character).
  if (text.includes("\ufffd"))
    return invalid(
      "holds \ufffd, which stands for bytes that could not be read as text (often a file not all in one encoding, or cut short): correct the value",
    );
  if (formulaError.test(text))
    return invalid("is a spreadsheet's error value (a formula that failed), not a value: correct or clear it");
  if (digitKinds.has(kind) && shortenedNumber.test(text))
    return invalid(
      "is a number a spreadsheet shortened, and its digits are lost: format the column as text in the spreadsheet and save the file again",
    );
  switch (kind) {
    case "text":
      return lostLetter.test(text)
        ? invalid(
            "has '?' where a letter should be, as when a file is saved in an encoding without that letter (Excel's 'CSV (Comma delimited)' writes '?' for Ł, ő, ř...): save the file as 'CSV UTF-8' and import it again",
          )
        : valid(text);
    case "website":
      return valid(text);
    case "telephone":
      return valid(normaliseTelephone(text));
    case "code":
      return isUsableCode(text)
        ? valid(text)
        : invalid(
            "is not a usable client code (at most 64 characters, not . or .., none of / \\ # ? or control characters)",
          );
    case "email":
      return emailPattern.test(text) && text.length <= 254 ? valid(text) : invalid("is not a valid email address");
    case "boolean": {
      const value = booleans.get(text.toLowerCase());
      return value === undefined ? invalid("is not a yes/no value (true/false, yes/no, y/n or 1/0)") : valid(value);
    }
    case "date": {
      const reading = readDate(text, dateFormat);
      return "date" in reading ? valid(reading.date) : invalid(reading.rule);
    }
    case "companyNumber":
      return orRule(
        normaliseCompanyNumber(text),
        "is not a company number (8 digits, 2 letters and 6 digits, or R and 7 digits)",
      );
    case "niNumber":
      return orRule(
        normaliseNiNumber(text),
        "is not a National Insurance number (2 letters, 6 digits and a letter A-D)",
      );
    case "utr":
      // Nine digits: a spreadsheet that took the UTR for a number dropped its leading 0.
      return orRule(
        normaliseUtr(text),
        /^\d{9}$/.test(text)
          ? "is not a UTR (10 digits): it has 9, as when a spreadsheet drops a leading 0; format the column as text and save the file again"
          : "is not a UTR (10 digits)",
      );
    case "vatNumber":
      return orRule(normaliseVatNumber(text), "is not a VAT number (9 or 12 digits, optionally after GB or XI)");
    case "postcode":
      return valid(normalisePostcode(text));
    case "clientType":
      return orRule(parseClientType(text), `is not a client type (${clientTypes.join(", ")})`);
    case "clientStatus":
      return orRule(parseClientStatus(text), `is not a client status (${clientStatuses.join(", ")})`);
  }
}

function orRule(value: string | null, rule: string): CellReading {
  return value === null ? invalid(rule) : valid(value);
}
