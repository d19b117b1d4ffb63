/** Word lists for realistic Norwegian demo data (invented companies; common given names and surnames). */
export const FIRST_NAMES = [
  "Ole", "Kari", "Lars", "Ingrid", "Per", "Anne", "Jon", "Marit", "Bjørn", "Silje", "Erik", "Hilde", "Knut", "Nora",
  "Håkon", "Sigrid", "Tor", "Ragnhild", "Magnus", "Solveig", "Even", "Åse", "Sindre", "Tone", "Øystein", "Camilla",
  "Jørgen", "Line", "Henrik", "Mari", "Anders", "Kristin", "Geir", "Astrid", "Vegard", "Ida", "Arne", "Thea", "Eirik", "Hanne",
] as const;

export const LAST_NAMES = [
  "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen",
  "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl",
  "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Strand", "Solberg", "Bakken", "Moen", "Aas",
  "Kristoffersen", "Lie", "Rasmussen", "Knutsen", "Ødegård", "Sæther", "Bråten", "Fjeld", "Haugland", "Myhre",
] as const;

export const COMPANY_STEMS = [
  "Lyngdal Sag", "Nordkyst", "Vestland Rør", "Trøndersk Tre", "Hardanger Frukt", "Lofoten Sjømat", "Bergen Bakeri",
  "Oslo Elektro", "Stavanger Maskin", "Romsdal Bygg", "Sogn Kraft", "Telemark Trykk", "Finnmark Fisk",
  "Valdres Ull", "Gudbrandsdal Ost", "Agder Marine", "Helgeland Transport", "Nidaros Data", "Mjøsa Regnskap",
  "Lindesnes Lys", "Jæren Landbruk", "Setesdal Sølv", "Østfold Emballasje", "Voss Vannkraft", "Hallingdal Hytter",
] as const;

export const COMPANY_SUFFIXES = ["AS", "AS", "AS", "ASA", "ANS", "DA"] as const;

export const STREETS = [
  "Storgata", "Kongens gate", "Dronningens gate", "Bryggen", "Strandveien", "Kirkegata", "Markveien", "Skolegata",
  "Fjordveien", "Industriveien", "Havnegata", "Parkveien", "Sjøgata", "Torggata", "Elvegata", "Nedre Slottsgate",
] as const;

/** [city, zip code] */
export const CITIES: readonly (readonly [string, string])[] = [
  ["Oslo", "0150"], ["Bergen", "5003"], ["Trondheim", "7010"], ["Stavanger", "4006"], ["Tromsø", "9008"],
  ["Kristiansand", "4610"], ["Drammen", "3015"], ["Fredrikstad", "1606"], ["Bodø", "8006"], ["Ålesund", "6002"],
  ["Hamar", "2317"], ["Lillehammer", "2609"], ["Molde", "6413"], ["Harstad", "9405"], ["Haugesund", "5527"],
];

export const JOB_TITLES = ["Daglig leder", "Økonomisjef", "Regnskapsfører", "Innkjøper", "Salgssjef", "Prosjektleder", "Konsulent", "Lagerleder"] as const;

export const DEPARTMENTS = [
  ["100", "Administrasjon"], ["200", "Salg"], ["300", "Produksjon"], ["400", "Lager og logistikk"], ["500", "Kundeservice"],
  ["600", "Utvikling"], ["700", "Økonomi"], ["800", "Marked"],
] as const;

/** [name, unit price NOK, sales account, unit of measure, type] — the sales account decides the VAT rate. */
export const PRODUCTS: readonly (readonly [string, number, number, string, "Product" | "Service"])[] = [
  ["Regnskapsføring, timepris", 1150, 3000, "HUR", "Service"],
  ["Lønnskjøring per ansatt", 245, 3000, "EA", "Service"],
  ["Årsoppgjør", 14500, 3000, "EA", "Service"],
  ["Rådgivning, timepris", 1450, 3000, "HUR", "Service"],
  ["Programvarelisens, måned", 399, 3000, "MON", "Service"],
  ["Kurs: Regnskap for nybegynnere", 3900, 3100, "EA", "Service"],
  ["Kaffe, 1 kg", 189, 3030, "EA", "Product"],
  ["Frukt til kontoret, kasse", 329, 3030, "EA", "Product"],
  ["Brunost, 500 g", 119, 3030, "EA", "Product"],
  ["Skriver, laser", 4290, 3000, "EA", "Product"],
  ["Kontorstol", 2790, 3000, "EA", "Product"],
  ["Avisabonnement, år", 2600, 3100, "ANN", "Service"],
];

/** Norwegian output VAT by sales account: 3000 high rate 25 %, 3030 food 15 %, 3100 outside the VAT act 0 %. */
export const SALES_ACCOUNTS: Record<number, { accountId: number; vatCode: string; vatId: number; vatRate: number }> = {
  3000: { accountId: 913000, vatCode: "3", vatId: 103, vatRate: 0.25 },
  3030: { accountId: 913030, vatCode: "31", vatId: 131, vatRate: 0.15 },
  3100: { accountId: 913100, vatCode: "5", vatId: 105, vatRate: 0 },
};
