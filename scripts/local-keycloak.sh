#!/usr/bin/env bash
# The local chat with sign-in, in one command: starts Keycloak (the OpenID Connect provider the system tests use,
# from Maven Central) on http://localhost:${KEYCLOAK_PORT:-8180} with the realm bedrock-chat, the page's public
# client chat-page (code + PKCE) and the users alice and bob, then runs ./local.sh in oidc mode against it on
# http://localhost:${PORT:-8080}. Stopping the chat (Ctrl-C) stops Keycloak too.
#
# Passwords: ALICE_PASSWORD and BOB_PASSWORD, else made at each start and printed once. Keycloak keeps nothing
# between runs (in-memory database); its log is test/target/server-logs/keycloak-local.log.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/java-home.sh
use_jdk21_or_newer || { echo "local-keycloak.sh: needs a JDK 21 or newer: install one or set JAVA_HOME to it" >&2; exit 1; }
command -v node >/dev/null || { echo "local-keycloak.sh: needs Node.js 20 or newer on PATH" >&2; exit 1; }

PORT="${PORT:-8080}"
KEYCLOAK_PORT="${KEYCLOAK_PORT:-8180}"
KEYCLOAK="http://localhost:${KEYCLOAK_PORT}"
ISSUER="${KEYCLOAK}/realms/bedrock-chat"
PAGE="http://localhost:${PORT}"

home="$(ls -d test/target/keycloak/keycloak-* 2>/dev/null | head -n 1 || true)"
if [ -z "$home" ]; then
  echo "local-keycloak.sh: unpacking Keycloak from the local Maven repository (downloaded once, 165 MB)…" >&2
  ./mvnw -B -q -ntp -pl test dependency:unpack@unpack-keycloak >&2
  home="$(ls -d test/target/keycloak/keycloak-* | head -n 1)"
fi

secret() { node -e 'console.log(require("node:crypto").randomBytes(12).toString("base64url"))'; }
ALICE_PASSWORD="${ALICE_PASSWORD:-$(secret)}"
BOB_PASSWORD="${BOB_PASSWORD:-$(secret)}"

# The tests' realm, with the page's address as the client's redirect URI, web origin and logout redirect.
mkdir -p "$home/data/import" test/target/server-logs
rm -f "$home"/data/import/*.json
PAGE="$PAGE" ALICE_PASSWORD="$ALICE_PASSWORD" BOB_PASSWORD="$BOB_PASSWORD" node - \
  test/src/test/resources/keycloak/bedrock-chat-realm.json "$home/data/import/bedrock-chat-realm.json" <<'EOF'
const fs = require('node:fs');
const [template, target] = process.argv.slice(2);
const values = { tokenLifespanSeconds: '300', alicePassword: process.env.ALICE_PASSWORD,
  bobPassword: process.env.BOB_PASSWORD };
const realm = JSON.parse(fs.readFileSync(template, 'utf8').replace(/\$\{([A-Za-z]+)}/g, (_, name) => {
  if (!(name in values)) throw new Error(`${template} uses \${${name}}, which local-keycloak.sh does not fill in`);
  return JSON.stringify(values[name]).slice(1, -1);
}));
realm.displayName = 'Bedrock Chat (local)';
for (const client of realm.clients.filter((c) => c.clientId === 'chat-page')) {
  client.redirectUris = [`${process.env.PAGE}/*`];
  client.webOrigins = [process.env.PAGE];
  client.attributes['post.logout.redirect.uris'] = `${process.env.PAGE}/*`;
}
fs.writeFileSync(target, JSON.stringify(realm, null, 2));
EOF

log=test/target/server-logs/keycloak-local.log
echo "local-keycloak.sh: starting Keycloak on $KEYCLOAK (log: $log)…" >&2
(
  unset KC_DB KC_HOSTNAME KC_HTTP_PORT JAVA_OPTS
  export JAVA_OPTS_APPEND="--add-opens=java.base/java.lang=ALL-UNNAMED"
  export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$(secret)"
  exec sh "$home/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" \
    --hostname="$KEYCLOAK" --db=dev-mem --import-realm
) >"$log" 2>&1 &
keycloak_pid=$!
stop_keycloak() { pkill -TERM -P "$keycloak_pid" 2>/dev/null || true; kill "$keycloak_pid" 2>/dev/null || true; }
trap stop_keycloak EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 180); do
  if node -e "fetch('$ISSUER/.well-known/openid-configuration').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
    break
  fi
  kill -0 "$keycloak_pid" 2>/dev/null || { echo "local-keycloak.sh: Keycloak stopped; see $log" >&2; tail -n 20 "$log" >&2; exit 1; }
  sleep 1
done
node -e "fetch('$ISSUER/.well-known/openid-configuration').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" \
  || { echo "local-keycloak.sh: Keycloak did not answer within 180 s; see $log" >&2; exit 1; }

cat >&2 <<EOF
local-keycloak.sh: Keycloak is up: issuer $ISSUER
  Sign in on $PAGE as   alice / $ALICE_PASSWORD   or   bob / $BOB_PASSWORD
EOF
AUTH_MODE=oidc OIDC_ISSUER="$ISSUER" OIDC_CLIENT_ID=chat-page PORT="$PORT" ./local.sh "$@"
