export const clientTypes = [
  "PrivateLimitedCompany",
  "PublicLimitedCompany",
  "LimitedLiabilityPartnership",
  "Partnership",
  "Individual",
  "Trust",
  "Charity",
  "SoleTrader",
] as const;
export type ClientType = (typeof clientTypes)[number];

// Keys are the words people write, lower-cased with everything but letters removed. A Map, so cell text such as
// `constructor` finds nothing.
const spellings = new Map<string, ClientType>([
  ["ltd", "PrivateLimitedCompany"],
  ["limited", "PrivateLimitedCompany"],
  ["limitedcompany", "PrivateLimitedCompany"],
  ["ltdcompany", "PrivateLimitedCompany"],
  ["privatelimited", "PrivateLimitedCompany"],
  ["privatecompany", "PrivateLimitedCompany"],
  ["privatelimitedcompany", "PrivateLimitedCompany"],
  ["company", "PrivateLimitedCompany"],
  ["plc", "PublicLimitedCompany"],
  ["publiclimited", "PublicLimitedCompany"],
  ["publiclimitedcompany", "PublicLimitedCompany"],
  ["publiccompany", "PublicLimitedCompany"],
  // Companies House's words for the kinds of company a practice's clients are: a company limited by guarantee
  // and a community interest company are private limited companies, a limited partnership a partnership, a
  // charitable incorporated organisation a charity.
  ["companylimitedbyguarantee", "PrivateLimitedCompany"],
  ["privatecompanylimitedbyguarantee", "PrivateLimitedCompany"],
  ["privatecompanylimitedbyguaranteewithoutsharecapital", "PrivateLimitedCompany"],
  ["privatecompanylimitedbyshares", "PrivateLimitedCompany"],
  ["communityinterestcompany", "PrivateLimitedCompany"],
  ["cic", "PrivateLimitedCompany"],
  ["llp", "LimitedLiabilityPartnership"],
  ["limitedliabilitypartnership", "LimitedLiabilityPartnership"],
  ["partnership", "Partnership"],
  ["limitedpartnership", "Partnership"],
  ["lp", "Partnership"],
  ["charitableincorporatedorganisation", "Charity"],
  ["cio", "Charity"],
  ["individual", "Individual"],
  ["person", "Individual"],
  ["personal", "Individual"],
  ["trust", "Trust"],
  ["charity", "Charity"],
  ["soletrader", "SoleTrader"],
  ["soleproprietor", "SoleTrader"],
  ["selfemployed", "SoleTrader"],
]);
for (const type of clientTypes) spellings.set(type.toLowerCase(), type);

/**
 * Reads a client type leniently: case, spaces and punctuation ignored, common words accepted ("Ltd", "LLP"), and a
 * name followed by its abbreviation in brackets ("Limited Company (Ltd)") read as either.
 */
export function parseClientType(text: string): ClientType | null {
  const key = (words: string) => words.toLowerCase().replace(/[^a-z]/g, "");
  const trimmed = text.trim();
  const open = trimmed.lastIndexOf("(");
  if (open > 0 && trimmed.endsWith(")"))
    return spellings.get(key(trimmed.slice(0, open))) ?? spellings.get(key(trimmed.slice(open + 1, -1))) ?? null;
  return spellings.get(key(trimmed)) ?? null;
}
