/** The sandbox's fixed demo site name: `npm start` and `npm run sandbox:chargebee` work without configuration. */
export const CHARGEBEE_SANDBOX_SITE = "poweroffice-sync-demo-test";
/** The sandbox's fixed demo API key (HTTP Basic username, empty password). Not a secret: it opens only the sandbox. */
export const CHARGEBEE_SANDBOX_API_KEY = "test_sandbox_demo_key_0000000000000000";
/** The host the sandbox listens on by default. */
export const CHARGEBEE_SANDBOX_HOST = "127.0.0.1";
