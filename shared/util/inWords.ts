// Initialisms people read as letters, spelled so: "NiNumber" is "NI number", not "Ni number".
const initialisms = new Map([
  ["Ni", "NI"],
  ["Utr", "UTR"],
  ["Vat", "VAT"],
  ["Paye", "PAYE"],
  ["Pcl", "PCL"],
  ["Sms", "SMS"],
]);

/** A PascalCase name in words for people: `CompanyNumber` is "Company number", `VatRegDate` "VAT reg date". */
export function inWords(name: string): string {
  const words = name.match(/[A-Z][a-z]*|\d+/g) ?? [name];
  return words.map((word, i) => initialisms.get(word) ?? (i === 0 ? word : word.toLowerCase())).join(" ");
}
