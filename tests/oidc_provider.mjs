// A real OpenID provider on loopback for the single sign-on tests: the certified
// `oidc-provider` package, one confidential client, two people.
//
//   OIDC_PROVIDER_DIR=/path/with/node_modules PORT=… CLIENT_ID=… CLIENT_SECRET=… \
//   REDIRECT_URI=… POST_LOGOUT_REDIRECT_URI=… node tests/oidc_provider.mjs
//
// Prints "ready <issuer>" once it listens. Its development login form accepts any
// password; the login name picks the person.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const env = process.env;
const entry = path.join(env.OIDC_PROVIDER_DIR, 'node_modules', 'oidc-provider', 'lib', 'index.js');
const { default: Provider } = await import(pathToFileURL(entry).href);

const people = {
  lead: { name: 'Lena Lead', given_name: 'Lena', family_name: 'Lead',
    email: 'lena@example.test', groups: ['everyone', 'revops-leads'] },
  viewer: { name: 'Victor Viewer', given_name: 'Victor', family_name: 'Viewer',
    email: 'victor@example.test', groups: ['everyone'] },
};

const issuer = `http://127.0.0.1:${env.PORT}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: env.CLIENT_ID,
    client_secret: env.CLIENT_SECRET,
    redirect_uris: [env.REDIRECT_URI],
    post_logout_redirect_uris: [env.POST_LOGOUT_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, email_verified: true, ...person }) };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    groups: ['groups'],
  },
  // Confidential clients may skip PKCE by default; we insist, to prove the app sends it.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  // The development pages are plain HTTP on loopback.
  cookies: { keys: ['test-only-cookie-key'] },
});
provider.proxy = false;

const server = provider.listen(Number(env.PORT), '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
