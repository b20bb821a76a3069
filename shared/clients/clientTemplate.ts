import { formatCsvRecord } from "../csv/csvWriter";
import { FieldKind, TargetField, targetFieldKinds, targetFields } from "./targetFields";

// One value each kind's rule accepts, so the template's example row imports as it is.
const kindExamples: Record<FieldKind, string> = {
  text: "",
  website: "https://acme.example",
  telephone: "020 7946 0000",
  code: "ACME01",
  email: "accounts@acme.example",
  boolean: "Yes",
  date: "2019-04-01",
  companyNumber: "01234567",
  niNumber: "QQ123456C",
  utr: "1234567890",
  vatNumber: "GB123456789",
  postcode: "SW1A 1AA",
  clientType: "PrivateLimitedCompany",
  clientStatus: "Active",
};

const textExamples: Partial<Record<TargetField, string>> = {
  Name: "Acme Trading Ltd",
  Telephone: "020 7946 0000",
  InternalReference: "REF-001",
  Manager: "Sam Jones",
  Partner: "Alex Smith",
  Associate: "Chris Lee",
  Team: "Audit",
  CompaniesHouseAuthenticationCode: "ABC123",
  TradingAs: "Acme",
  NatureOfBusiness: "Wholesale of hardware",
  VatScheme: "Standard",
  VatReportingPeriod: "Quarterly",
  PayeRef: "123/AB45678",
  AccountsOfficeRef: "123PA00045678",
  ContactName: "Jo Bloggs",
  ContactTitle: "Mrs",
  ContactFirstName: "Jo",
  ContactMiddleName: "Anne",
  ContactLastName: "Bloggs",
  ContactPhone: "020 7946 0001",
  ContactMobile: "07700 900000",
  PersonalCode: "JB01",
  ContactRelationships: "Director",
  ContactNationality: "British",
  ContactMaritalStatus: "Married",
};

function example(field: TargetField): string {
  const text = textExamples[field];
  if (text !== undefined) return text;
  if (/Address$/.test(field)) return "1 High Street, London, SW1A 1AA";
  if (/Line1$/.test(field)) return "1 High Street";
  if (/Line[23]$/.test(field)) return "";
  if (/City$/.test(field)) return "London";
  if (/Country$/.test(field)) return "United Kingdom";
  return kindExamples[targetFieldKinds[field]];
}

/**
 * A CSV with every target field as its header, in the API's order and spelling (so each maps exactly), and
 * one example row that imports as it is: UTF-8 with a BOM and CRLF, as Excel opens it.
 */
export function clientTemplateCsv(): string {
  return `\uFEFF${formatCsvRecord(targetFields, ",")}\r\n${formatCsvRecord(clientTemplateExample(), ",")}\r\n`;
}

/** The template's example row: a value for every target field, in `targetFields` order. */
export function clientTemplateExample(): string[] {
  return targetFields.map(example);
}
