import type { SystemName } from "../model/types.js";

export interface CreationSettings {
  create: "both" | SystemName;
  createOff: readonly string[];
}

/**
 * Whether a flow may create records in `system` under SYNC_CREATE and SYNC_CREATE_OFF, and if not, why (in the
 * words of those variables). A flow that may not create still links what it matches.
 */
export function creationAllowed(settings: CreationSettings, flow: string, system: SystemName): { allowed: true } | { allowed: false; why: string } {
  if (settings.createOff.includes(flow)) return { allowed: false, why: `SYNC_CREATE_OFF lists ${flow}` };
  const bornIn: SystemName = system === "poweroffice" ? "chargebee" : "poweroffice";
  if (settings.create !== "both" && settings.create !== bornIn) {
    return {
      allowed: false,
      why: `SYNC_CREATE=${settings.create} creates only records born in ${settings.create === "poweroffice" ? "PowerOffice" : "Chargebee"}`,
    };
  }
  return { allowed: true };
}
