import { CsvColumnMapping } from "../imports/csvColumnMapping";
import { SavedMapping } from "./savedMapping";

const m = (csvHeader: string, targetField: CsvColumnMapping["targetField"]): CsvColumnMapping => ({
  csvHeader,
  targetField,
});

/** The two read-only presets every tenant has, for the headers of a typical companies file and individuals file. */
export const mappingPresets: readonly SavedMapping[] = [
  {
    code: "limited-company-clients",
    name: "Limited company clients",
    columnMappings: [
      m("Client Code", "Code"),
      m("Company Name", "Name"),
      m("Company Number", "CompanyNumber"),
      m("Email", "Email"),
      m("Telephone", "Telephone"),
      m("Incorporation Date", "IncorporationDate"),
      m("UTR", "CompanyUtr"),
      m("VAT Number", "VatNumber"),
      m("Address Line 1", "RegisteredAddressLine1"),
      m("Address Line 2", "RegisteredAddressLine2"),
      m("Town", "RegisteredAddressCity"),
      m("Postcode", "RegisteredAddressPostCode"),
    ],
    matchField: "CompanyNumber",
    isPreset: true,
    mappingType: "Client",
    createdDate: null,
    updatedDate: null,
  },
  {
    code: "individual-clients",
    name: "Individual clients",
    columnMappings: [
      m("Client Code", "Code"),
      m("Name", "Name"),
      m("First Name", "ContactFirstName"),
      m("Last Name", "ContactLastName"),
      m("Email", "Email"),
      m("Mobile", "ContactMobile"),
      m("Date of Birth", "ContactDateOfBirth"),
      m("NI Number", "NiNumber"),
      m("UTR", "SelfAssessmentUtr"),
      m("Address Line 1", "PostalAddressLine1"),
      m("Town", "PostalAddressCity"),
      m("Postcode", "PostalAddressPostCode"),
    ],
    matchField: "NiNumber",
    isPreset: true,
    mappingType: "Client",
    createdDate: null,
    updatedDate: null,
  },
];
