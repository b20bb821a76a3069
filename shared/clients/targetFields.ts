/** How a target field's cell is read and checked (spec 3.2). */
export type FieldKind =
  | "text"
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
  }) as { [K in P | `${P}${"Line1" | "Line2" | "Line3" | "City" | "Country"}`]: "text" } & { [K in `${P}PostCode`]: "postcode" };

/** The 67 importable target fields of the original API, in its order, with how each is read. */
export const targetFieldKinds = {
  Name: "text",
  Code: "code",
  Type: "clientType",
  Status: "clientStatus",
  Email: "email",
  Telephone: "text",
  InternalReference: "text",
  Website: "text",
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
  ContactPhone: "text",
  ContactMobile: "text",
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

/** The fields a row can be matched to an existing client on (spec 3.3). */
export const matchFields = ["Code", "Name", "CompanyNumber", "InternalReference", "NiNumber"] as const;
export type MatchField = (typeof matchFields)[number];

/** No two clients of a tenant may share one of these. */
export const uniqueFields = ["Code", "CompanyNumber", "NiNumber"] as const;

/** A client's field values after normalisation: text, a `yyyy-mm-dd` date, or a boolean. */
export type ClientValues = Partial<Record<TargetField, string | boolean>>;
