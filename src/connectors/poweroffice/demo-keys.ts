/**
 * The keys the bundled sandbox accepts by default. They are published, fixed strings (not secrets): when the
 * PowerOffice configuration is in sandbox mode and no keys are set, the client uses these, so `npm start`
 * works with nothing configured. They are never valid against the real API.
 */
export const POWEROFFICE_SANDBOX_DEMO_KEYS = Object.freeze({
  applicationKey: "sandbox-application-key-0000-demo",
  clientKey: "sandbox-client-key-0000-demo",
  subscriptionKey: "5a4d0b0e5e1c4f7a9d3c2b1a00de0000",
});

export interface PowerOfficeKeys {
  applicationKey: string;
  clientKey: string;
  subscriptionKey: string;
}
