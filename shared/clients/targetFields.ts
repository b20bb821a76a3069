/** How a target field's cell is read and checked (spec 3.2). */
export type FieldKind =
  | "text"
  | "website"
  | "telephone"
  | "code"
  | "email"
  | "boolean"
  | "date"
  | "companyNumber"
  | "niNumber"
  | "utr"
  | "vatNumber"
  | "postcode"
  | "clientType"
  | "clientStatus";

const addressFields = <P extends string>(prefix: P) =>
  ({
    [prefix]: "text",
    [`${prefix}Line1`]: "text",
    [`${prefix}Line2`]: "text",
    [`${prefix}Line3`]: "text",
    [`${prefix}City`]: "text",
    [`${prefix}PostCode`]: "postcode",
    [`${prefix}Country`]: "text",
  }) as { [K in P | `${P}${"Line1" | "Line2" | "Line3" | "City" | "Country"}`]: "text" } & {
    [K in `${P}PostCode`]: "postcode";
  };

/** The 67 importable target fields of the original API, in its order, with how each is read. */
export const targetFieldKinds = {
  Name: "text",
  Code: "code",
  Type: "clientType",
  Status: "clientStatus",
  Email: "email",
  Telephone: "telephone",
  InternalReference: "text",
  Website: "website",
  PclSent: "boolean",
  CanContactPost: "boolean",
  CanContactTelephone: "boolean",
  CanContactEmail: "boolean",
  CanContactSms: "boolean",
  Manager: "text",
  Partner: "text",
  Associate: "text",
  Team: "text",
  CompanyNumber: "companyNumber",
  CompaniesHouseAuthenticationCode: "text",
  TradingAs: "text",
  NatureOfBusiness: "text",
  IncorporationDate: "date",
  VatNumber: "vatNumber",
  VatRegistered: "boolean",
  VatRegDate: "date",
  VatScheme: "text",
  VatReportingPeriod: "text",
  Utr: "utr",
  SelfAssessmentUtr: "utr",
  CompanyUtr: "utr",
  NiNumber: "niNumber",
  PayeRef: "text",
  AccountsOfficeRef: "text",
  ...addressFields("RegisteredAddress"),
  ...addressFields("PostalAddress"),
  ...addressFields("InvoiceAddress"),
  ContactName: "text",
  ContactTitle: "text",
  ContactFirstName: "text",
  ContactMiddleName: "text",
  ContactLastName: "text",
  ContactEmail: "email",
  ContactPhone: "telephone",
  ContactMobile: "telephone",
  ContactDateOfBirth: "date",
  PersonalCode: "text",
  ContactRelationships: "text",
  ContactNationality: "text",
  ContactMaritalStatus: "text",
} as const satisfies Record<string, FieldKind>;

export type TargetField = keyof typeof targetFieldKinds;

export const targetFields = Object.keys(targetFieldKinds) as TargetField[];

export function isTargetField(name: string): name is TargetField {
  return Object.prototype.hasOwnProperty.call(targetFieldKinds, name);
}

/** The longest value of each kind of field, in characters; text fields take `textLength` unless named below. */
const kindLengths: Record<FieldKind, number> = {
  text: 255,
  website: 2_000,
  telephone: 50,
  code: 64,
  email: 254,
  boolean: 10,
  date: 30,
  companyNumber: 30,
  niNumber: 30,
  utr: 30,
  vatNumber: 30,
  postcode: 20,
  clientType: 50,
  clientStatus: 50,
};
const textLengths: Partial<Record<TargetField, number>> = {
  RegisteredAddress: 1_000,
  PostalAddress: 1_000,
  InvoiceAddress: 1_000,
  NatureOfBusiness: 1_000,
  ContactRelationships: 1_000,
  Telephone: 50,
  ContactPhone: 50,
  ContactMobile: 50,
  ContactTitle: 50,
  ContactMaritalStatus: 50,
  CompaniesHouseAuthenticationCode: 50,
  PayeRef: 50,
  AccountsOfficeRef: 50,
  ContactNationality: 100,
  RegisteredAddressCity: 100,
  PostalAddressCity: 100,
  InvoiceAddressCity: 100,
  RegisteredAddressCountry: 100,
  PostalAddressCountry: 100,
  InvoiceAddressCountry: 100,
};

/**
 * The longest value a field takes, in characters (UTF-16 units, as storage counts them): generous for what the
 * field holds (Companies House allows 160 characters for a company name, a URL rarely passes 2,000), and far
 * inside Azure Tables' limits of 64 KiB per property and 1 MiB per entity (all 67 fields at their longest come
 * to about 50 KiB).
 */
export function maxLengthOf(field: TargetField): number {
  return textLengths[field] ?? kindLengths[targetFieldKinds[field]];
}

/** The fields a row can be matched to an existing client on (spec 3.3). */
export const matchFields = ["Code", "Name", "CompanyNumber", "InternalReference", "NiNumber"] as const;
export type MatchField = (typeof matchFields)[number];

/** No two clients of a tenant may share one of these. */
export const uniqueFields = ["Code", "CompanyNumber", "NiNumber"] as const;

/** A client's field values after normalisation: text, a `yyyy-mm-dd` date, or a boolean. */
export type ClientValues = Partial<Record<TargetField, string | boolean>>;
