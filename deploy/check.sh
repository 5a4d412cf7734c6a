#!/usr/bin/env bash
# Offline checks of the deployment files (run by DeploymentFilesTest inside `./mvnw verify`):
#   - docker-compose renders deploy/compose/docker-compose.yml with .env.dist (`config`, offline);
#   - every ${VAR} the compose file uses is defined in .env.dist, and every defined one is used;
#   - every file the compose file mounts exists;
#   - `kubectl kustomize deploy/k8s` renders, and each DB_DRIVER overlay deploy/k8s-db/{mysql,pgsql};
#   - yamllint passes on deploy/compose, deploy/k8s, deploy/k8s-db and deploy/observability (config: deploy/.yamllint.yml);
#   - `systemd-analyze verify` accepts deploy/local/mailplane*.{service,path} (when available).
# Missing tools are installed from Debian when possible (root + apt), otherwise that check is
# skipped with a line starting with "SKIP"; any failed check exits non-zero.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=0
fail() { echo "FAIL: $*"; failed=1; }
ok() { echo "ok: $*"; }

have() {
  local tool=$1 package=$2
  command -v "$tool" >/dev/null 2>&1 && return 0
  if [ -n "$package" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $package for $tool"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null 2>&1; }
  fi
  command -v "$tool" >/dev/null 2>&1
}

compose=deploy/compose/docker-compose.yml
envfile=deploy/compose/.env.dist

# --- variables: used in the compose file vs defined in .env.dist ---------------------------------
used=$(grep -v '^\s*#' "$compose" | grep -o '\${[A-Za-z_][A-Za-z0-9_]*' | sed 's/^\${//' | sort -u)
defined=$(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$envfile" | cut -d= -f1 | sort -u)
missing=$(comm -23 <(echo "$used") <(echo "$defined"))
unused=$(comm -13 <(echo "$used") <(echo "$defined"))
[ -z "$missing" ] && ok "every compose variable is in .env.dist" \
  || fail "variables used but not in .env.dist: $(echo $missing)"
[ -z "$unused" ] && ok "every .env.dist variable is used" \
  || fail "variables in .env.dist that the compose file does not use: $(echo $unused)"
grep -q '\${[^}]*[:?-]' "$compose" && fail "no defaults in the compose file: .env.dist documents them"

# --- mounted files exist (relative bind mounts, resolved from deploy/compose) --------------------
count=0
absent=0
for src in $(grep -oE '^\s+- \.\.?/[^:]+' "$compose" | sed -E 's/^\s+- //'); do
  count=$((count + 1))
  [ -f "deploy/compose/$src" ] || { fail "mounted file missing: deploy/compose/$src"; absent=1; }
done
[ "$count" -gt 0 ] || fail "no bind mounts found in $compose"
[ "$count" -gt 0 ] && [ "$absent" = 0 ] && ok "$count mounted files exist"

# --- docker-compose config -----------------------------------------------------------------------
if have docker-compose docker-compose; then
  if out=$(docker-compose --env-file "$envfile" -f "$compose" config -q 2>&1) && [ -z "$out" ]; then
    ok "docker-compose config renders ($(docker-compose version --short 2>/dev/null))"
  else
    fail "docker-compose config: $out"
  fi
else
  echo "SKIP: docker-compose not available (Debian: apt-get install docker-compose)"
fi

# --- kustomize -----------------------------------------------------------------------------------
# Debian 12 has no kubectl package (trixie's is kubernetes-client); skip when it cannot be had.
if have kubectl kubernetes-client; then
  if out=$(kubectl kustomize deploy/k8s 2>&1); then
    kinds=$(echo "$out" | grep -E '^kind:' | sort | uniq -c | awk '{print $3}' | tr '\n' ' ')
    ok "kubectl kustomize deploy/k8s renders: $kinds"
    for kind in ConfigMap Deployment Service PodDisruptionBudget PersistentVolumeClaim; do
      echo "$out" | grep -q "^kind: $kind$" || fail "kustomize output has no $kind"
    done
  else
    fail "kubectl kustomize: $out"
  fi
  # One overlay per DB_DRIVER value: each renders and points mailplane at its engine.
  for driver in mysql:jdbc:mariadb: pgsql:jdbc:postgresql:; do
    if out=$(kubectl kustomize "deploy/k8s-db/${driver%%:*}" 2>&1) &&
      echo "$out" | grep -q "MAILPLANE_DB_URL: ${driver#*:}"; then
      ok "kubectl kustomize deploy/k8s-db/${driver%%:*} renders with a ${driver#*:} URL"
    else
      fail "kubectl kustomize deploy/k8s-db/${driver%%:*}: $out"
    fi
  done
else
  echo "SKIP: kubectl not available (Debian trixie: apt-get install kubernetes-client)"
fi

# --- yamllint ------------------------------------------------------------------------------------
if have yamllint yamllint; then
  if out=$(yamllint -s -c deploy/.yamllint.yml deploy/compose deploy/k8s deploy/k8s-db deploy/observability 2>&1); then
    ok "yamllint"
  else
    fail "yamllint: $out"
  fi
else
  echo "SKIP: yamllint not available (Debian: apt-get install yamllint)"
fi

# --- systemd units -------------------------------------------------------------------------------
units="deploy/local/mailplane.service deploy/local/mailplane-tls-reload.path deploy/local/mailplane-tls-reload.service"
if command -v systemd-analyze >/dev/null 2>&1; then
  # Works without systemd as PID 1; it does not check that User= exists.
  if out=$(systemd-analyze verify $units 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify: $units"
  else
    fail "systemd-analyze verify: $out"
  fi
else
  echo "SKIP: systemd-analyze not available"
fi

exit $failed
