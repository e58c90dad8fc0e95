// An OpenID Connect provider on this machine for the sign-in tests: the certified
// `oidc-provider` of the npm registry (package.json), with its own login and consent
// pages (devInteractions: any user name, any password). Each account's ID token carries
// its groups with the "openid" scope, as Entra ID's does once configured to: no
// "groups" scope, which Entra ID and Google refuse.
//
//   ISSUER=http://localhost:PORT CLIENT_ID=... CLIENT_SECRET=... REDIRECT_URI=... \
//   ACCOUNTS='{"maja": {"email": "maja@example.se", "groups": ["HR-rekryterare"]}}' \
//   node tests/identity/oidc_provider.mjs
import Provider from "oidc-provider";

const { ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } = process.env;
const accounts = JSON.parse(process.env.ACCOUNTS || "{}");

const provider = new Provider(ISSUER, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: {
    openid: ["sub", "groups"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "preferred_username"],
  },
  conformIdTokenClaims: false, // the claims in the ID token, not only behind userinfo
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  async findAccount(ctx, id) {
    const account = accounts[id] || {};
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          preferred_username: id,
          email: account.email || `${id}@example.se`,
          email_verified: true,
          given_name: account.given_name || id,
          family_name: account.family_name || "",
          name: `${account.given_name || id} ${account.family_name || ""}`.trim(),
          groups: account.groups || [],
        };
      },
    };
  },
});
const port = Number(new URL(ISSUER).port);
provider.listen(port, () => console.log(`listening ${ISSUER}`));
