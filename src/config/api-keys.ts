import type { EnvReader } from "./env-parsers.js";

export const API_KEY_ROLES = ["reader", "integrator"] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface ApiKey {
  name: string;
  role: ApiKeyRole;
  key: string;
}

/** Parses `name:role:key` entries separated by commas. The key itself is never echoed in an error. */
export function readApiKeys(reader: EnvReader, variable = "API_KEYS"): ApiKey[] {
  const raw = reader.secret(variable);
  if (raw === undefined) return [];
  const keys: ApiKey[] = [];
  raw.split(",").forEach((entry, index) => {
    const trimmed = entry.trim();
    if (trimmed === "") return;
    const [name, role, ...rest] = trimmed.split(":");
    const key = rest.join(":");
    const where = `${variable} entry ${index + 1}${name ? ` ("${name}")` : ""}`;
    if (!name || !role || !key) {
      reader.problem(`${where} must look like name:role:key`);
      return;
    }
    if (!(API_KEY_ROLES as readonly string[]).includes(role)) {
      reader.problem(`${where} has role "${role}"; roles are ${API_KEY_ROLES.join(", ")}`);
      return;
    }
    if (key.length < 16) {
      reader.problem(`${where} has a key shorter than 16 characters; use a long random key (openssl rand -hex 24)`);
      return;
    }
    if (keys.some((k) => k.name === name)) {
      reader.problem(`${where} repeats the name "${name}"; names must be unique`);
      return;
    }
    keys.push({ name, role: role as ApiKeyRole, key });
  });
  return keys;
}
