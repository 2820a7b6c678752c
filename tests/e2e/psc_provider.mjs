// A real OpenID Connect provider (panva's oidc-provider, npm) standing in for Pro Santé
// Connect in the browser journey of tests/e2e/test_pro_sante_connect.py.
//
//   node tests/e2e/psc_provider.mjs PORT REDIRECT_URI
//
// Like PSC: authorization code flow with PKCE, scopes "openid scope_all", acr "eidas1", the
// national identifier in the userinfo claim SubjectNameID. Its development login page
// accepts any login: the login typed is the SubjectNameID (e.g. "8" + RPPS); the password is
// ignored. Listens on 127.0.0.1 only and prints "ready" once listening.
import { generateKeyPairSync } from "node:crypto";
import Provider from "oidc-provider";

const [port, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "psc-test", use: "sig", alg: "RS256" };
const identityClaims = ["SubjectNameID", "preferred_username", "given_name", "family_name"];

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "dui",
      client_secret: "secret-de-test",
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ["cle-de-test-des-cookies"] },
  scopes: ["openid", "scope_all"],
  claims: { openid: ["sub"], scope_all: identityClaims },
  acrValues: ["eidas1"],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          SubjectNameID: id,
          preferred_username: id,
          given_name: "Jeanne",
          family_name: "Essai",
        };
      },
    };
  },
  // The DUI is the only client: no consent page, as with PSC.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid scope_all");
    grant.addOIDCClaims(identityClaims);
    await grant.save();
    return grant;
  },
});

const server = provider.listen(Number(port), "127.0.0.1", () => {
  console.log("ready");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
