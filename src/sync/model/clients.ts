/**
 * The connector clients the engine talks to (owned by the connector helpers, src/connectors/*); this file is the one
 * place the engine names them.
 */
export type { PowerOfficeClient } from "../../connectors/poweroffice/index.js";
export type { ChargebeeClient } from "../../connectors/chargebee/index.js";
