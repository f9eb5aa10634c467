#!/usr/bin/python3
"""Consistency checks of the deployment artefacts against the repository.

  check_deploy.py compose ROOT              docker-compose.yml names only things that exist
  check_deploy.py exported-metrics ROOT     tests/deploy/exported_metrics.txt matches the source
  check_deploy.py dashboard ROOT PROMTOOL   the dashboard queries name exported metrics only
  check_deploy.py helm-env ROOT FILE...     rendered manifests set only variables the binaries read
  check_deploy.py dockerfile ROOT BUILD     the image has every library the binaries link
  check_deploy.py chart-copies ROOT         the chart's copies equal the files in deploy/
  check_deploy.py runbook ROOT              every alert has its section in docs/operations.md

Exit 0 when the check passes, 1 with every problem listed. Needs Debian's
python3-yaml (/usr/bin/python3).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

PROBLEMS = []


def problem(msg):
    PROBLEMS.append(msg)


def finish(ok_message):
    if PROBLEMS:
        print(f"{len(PROBLEMS)} problem(s):", file=sys.stderr)
        for p in PROBLEMS:
            print(f"  {p}", file=sys.stderr)
        sys.exit(1)
    print(ok_message)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# Variables a service reads: the "(env NAME)" its flags' help names, in its
# main.cc and in libs/startup/service_flags.cc (the flags both services share);
# ApplyEnvironmentNamedInHelp sets each flag from that variable. Adjacent
# string literals are joined first: a help text may break across lines.
FLAG_FILES = ("services/{service}/main.cc", "libs/startup/service_flags.cc")


def env_names(root, service):
    names = set()
    for path in FLAG_FILES:
        source = re.sub(r'"\s*\n\s*"', "", read(f"{root}/" + path.format(service=service)))
        names |= set(re.findall(r"\(env (STATUSCAST_[A-Z0-9_]+)[),]", source))
    return names


BINARY_SERVICE = {"statuscast-comms": "comms", "statuscast-banner": "banner"}


def known_env(root, service, name):
    return name in env_names(root, service)


def address_port(value):
    m = re.match(r"^(.*):(\d+)$", str(value))
    return int(m.group(2)) if m else None


def dockerfile_exposed(root):
    ports = set()
    for line in read(f"{root}/Dockerfile").splitlines():
        if line.strip().startswith("EXPOSE"):
            ports |= {int(p.split("/")[0]) for p in line.split()[1:]}
    return ports


def executables(root):
    names = set()
    for dirpath, _, files in os.walk(f"{root}/services"):
        if "CMakeLists.txt" in files:
            names |= set(re.findall(r"add_executable\(\s*([\w-]+)", read(f"{dirpath}/CMakeLists.txt")))
    return names


def check_compose(root):
    compose = yaml.safe_load(read(f"{root}/docker-compose.yml"))
    services = compose.get("services", {})
    volumes = set((compose.get("volumes") or {}).keys())
    exposed = dockerfile_exposed(root)
    binaries = executables(root)
    for name, svc in services.items():
        where = f"docker-compose.yml: {name}"
        build = svc.get("build")
        if build is not None:
            ctx = build if isinstance(build, str) else build.get("context", ".")
            ctx_path = os.path.normpath(os.path.join(root, ctx))
            if not os.path.isdir(ctx_path):
                problem(f"{where}: build context {ctx} does not exist")
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            if not os.path.isfile(os.path.join(ctx_path, dockerfile)):
                problem(f"{where}: Dockerfile {dockerfile} does not exist in {ctx}")
        elif not svc.get("image"):
            problem(f"{where}: neither build nor image")
        elif not re.search(r":[\w.-]+$", svc["image"]) or svc["image"].endswith(":latest"):
            problem(f"{where}: image {svc['image']} is not pinned to a tag")
        for v in svc.get("volumes", []):
            source = v.split(":")[0] if isinstance(v, str) else v.get("source")
            if source.startswith((".", "/")):
                if not os.path.exists(os.path.normpath(os.path.join(root, source))):
                    problem(f"{where}: bind mount {source} does not exist in the repository")
            elif source not in volumes:
                problem(f"{where}: volume {source} is not declared under volumes:")
        for dep in (svc.get("depends_on") or {}):
            if dep not in services:
                problem(f"{where}: depends_on {dep}, no such service")
        if "healthcheck" not in svc:
            problem(f"{where}: no healthcheck")
        command = svc.get("command") or []
        if isinstance(command, str):
            command = command.split()
        binary = command[0] if command else None
        if build is not None:
            # Our image: the command is one of our binaries, every variable is
            # one that binary reads, every published port is exposed and listened on.
            if binary not in binaries:
                problem(f"{where}: command {binary} is not a binary the build makes ({sorted(binaries)})")
                continue
            service = BINARY_SERVICE.get(binary)
            env = svc.get("environment") or {}
            listened = set()
            for k, val in env.items():
                if k.startswith("STATUSCAST_") and not known_env(root, service, k):
                    problem(f"{where}: {binary} does not read {k}")
                if k.endswith("_ADDRESS"):
                    listened.add(address_port(val))
            for p in svc.get("ports", []):
                container = int(str(p).rsplit(":", 1)[-1].split("/")[0])
                if container not in exposed:
                    problem(f"{where}: port {container} is not EXPOSEd by the Dockerfile")
                if container not in listened:
                    problem(f"{where}: port {container} is published but no *_ADDRESS variable listens on it")
            hc = svc.get("healthcheck", {}).get("test", [])
            if "statuscast-healthcheck" in hc and "deploy/docker/healthcheck.sh" not in read(f"{root}/Dockerfile"):
                problem(f"{where}: healthcheck uses statuscast-healthcheck, which the Dockerfile does not install")
        # Container paths given to the program must come from a bind mount.
        for arg in command:
            m = re.match(r"--[\w.]+=(/etc/\S+)", str(arg))
            if m:
                path = m.group(1)
                mounted = False
                for v in svc.get("volumes", []):
                    src, dst = v.split(":")[0], v.split(":")[1]
                    if path.startswith(dst.rstrip("/") + "/") and src.startswith("."):
                        rel = os.path.join(src, path[len(dst.rstrip("/")) + 1:])
                        mounted = os.path.isfile(os.path.normpath(os.path.join(root, rel)))
                if not mounted:
                    problem(f"{where}: {path} is not a repository file mounted into the container")

    # Prometheus scrape targets are compose services on ports they publish.
    prom = yaml.safe_load(read(f"{root}/deploy/prometheus/prometheus.yml"))
    for job in prom.get("scrape_configs", []):
        for sc in job.get("static_configs", []):
            for target in sc.get("targets", []):
                host, port = target.rsplit(":", 1)
                if host == "localhost":
                    continue
                if host not in services:
                    problem(f"prometheus.yml: target {target} is not a compose service")
                    continue
                env = services[host].get("environment") or {}
                if int(port) not in {address_port(v) for k, v in env.items() if k.endswith("METRICS_ADDRESS")}:
                    problem(f"prometheus.yml: {host} does not serve metrics on {port}")
        if job["job_name"].startswith("statuscast") and job["job_name"] not in services:
            problem(f"prometheus.yml: job {job['job_name']} is not named after its compose service")
    for rf in prom.get("rule_files", []):
        if not os.path.isfile(os.path.join(root, "deploy/prometheus", rf)):
            problem(f"prometheus.yml: rule file {rf} does not exist next to it")
    # Grafana provisioning points at the mounted dashboard folder.
    for f in ("deploy/grafana/provisioning/datasources/prometheus.yml",
              "deploy/grafana/provisioning/dashboards/statuscast.yml"):
        if not os.path.isfile(f"{root}/{f}"):
            problem(f"{f} is missing")
    finish(f"docker-compose.yml: {len(services)} services; every build context, path, port and variable exists")


def metrics_from_source(root):
    names = set()
    mdir = f"{root}/libs/metrics"
    for f in sorted(os.listdir(mdir)):
        if f.endswith(".cc"):
            names |= set(re.findall(r'"(statuscast_[a-z0-9_]+)"', read(f"{mdir}/{f}")))
    return names


def check_exported_metrics(root):
    listed = {l.strip() for l in read(f"{root}/tests/deploy/exported_metrics.txt").splitlines()
              if l.strip() and not l.startswith("#")}
    source = metrics_from_source(root)
    for n in sorted(source - listed):
        problem(f"{n} is exported (libs/metrics) but missing from tests/deploy/exported_metrics.txt")
    for n in sorted(listed - source):
        problem(f"{n} is in tests/deploy/exported_metrics.txt but no longer in libs/metrics")
    if PROBLEMS:
        problem("regenerate: tests/deploy/validate_deploy.sh regenerate-metrics")
    finish(f"exported_metrics.txt: {len(listed)} metric families, as in libs/metrics/*.cc")


PROMQL_WORDS = {
    # functions, aggregations, keywords
    "sum", "max", "min", "avg", "count", "by", "without", "on", "ignoring", "group_left",
    "group_right", "and", "or", "unless", "bool", "offset", "rate", "irate", "increase", "delta",
    "histogram_quantile", "time", "vector", "scalar", "absent", "clamp_min", "clamp_max", "topk",
    "bottomk", "sort", "sort_desc", "label_replace", "le", "quantile", "stddev", "abs", "round",
    "max_over_time", "min_over_time", "avg_over_time", "last_over_time", "changes", "resets",
}
BUILTIN_METRICS = {"up", "time"}
COMPLIANCE_SOURCE = "libs/metrics/compliance_metrics.cc"
# Exported next to the compliance figures but about the replica itself.
PER_REPLICA = {"statuscast_banner_database_healthy"}


def check_dashboard(root, promtool):
    path = f"{root}/deploy/grafana/dashboards/statuscast.json"
    try:
        dash = json.loads(read(path))
    except json.JSONDecodeError as e:
        problem(f"{path}: not valid JSON: {e}")
        finish("")
    source = metrics_from_source(root)
    compliance = set(re.findall(r'"(statuscast_[a-z0-9_]+)"', read(f"{root}/{COMPLIANCE_SOURCE}"))) - PER_REPLICA
    exprs = []

    def walk(panels):
        for p in panels:
            for t in p.get("targets", []):
                if "expr" in t:
                    exprs.append((p.get("title", "?"), t["expr"]))
            walk(p.get("panels", []))

    walk(dash.get("panels", []))
    if not exprs:
        problem("the dashboard has no queries")
    ids = [p.get("id") for p in dash.get("panels", [])]
    if len(ids) != len(set(ids)):
        problem("panel ids are not unique")
    used = set()
    for title, expr in exprs:
        # Drop label matchers and strings, then every identifier not followed by
        # "(" and not a keyword/label name is a metric name.
        bare = re.sub(r'"[^"]*"', '""', expr)
        bare = re.sub(r"\{[^}]*\}", "", bare)
        bare = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", r"\1", bare)
        bare = re.sub(r"\[[^\]]*\]", "", bare)
        for ident in re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", bare):
            if ident in PROMQL_WORDS or re.fullmatch(r"\d.*", ident):
                continue
            metric = re.sub(r"_(bucket|sum|count)$", "", ident) if ident not in source else ident
            if metric in BUILTIN_METRICS or metric in source:
                used.add(metric)
                if metric in compliance and not re.search(r"\bmax\b", expr):
                    problem(f'panel "{title}": {metric} is the same on every replica; aggregate with max, not sum: {expr}')
                continue
            problem(f'panel "{title}": {ident} is not a metric any service exports: {expr}')
    # Syntax: promtool parses every query as a recording rule.
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query_{i}",
         "expr": e.replace("$__rate_interval", "5m").replace("$__range", "1d")
                  .replace("$__interval", "1m").replace("$window", "7d")}
        for i, (_, e) in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump(rules, f)
        tmp = f.name
    try:
        r = subprocess.run([promtool, "check", "rules", tmp], capture_output=True, text=True)
        if r.returncode != 0:
            problem(f"promtool cannot parse the dashboard queries:\n{r.stdout}{r.stderr}")
    finally:
        os.unlink(tmp)
    for p in dash.get("panels", []):
        if p.get("type") != "row" and p.get("datasource", {}).get("uid") != "${datasource}":
            problem(f'panel "{p.get("title")}": datasource is not the ${{datasource}} variable')
    finish(f"dashboard: valid JSON, {len(exprs)} queries parse, {len(used)} metrics used, all exported")


def check_helm_env(root, files):
    comms, banner = env_names(root, "comms"), env_names(root, "banner")
    n = 0
    for file in files:
        for doc in yaml.safe_load_all(read(file)):
            if not doc:
                continue
            if doc["kind"] == "ConfigMap" and doc["metadata"]["name"].endswith(("-lint-rules", "-dashboard")):
                continue
            if doc["kind"] == "ConfigMap":
                for k in doc.get("data", {}):
                    n += 1
                    if k not in comms | banner:
                        problem(f"{file}: ConfigMap key {k} is read by neither service")
            if doc["kind"] in ("Deployment", "Job"):
                for c in doc["spec"]["template"]["spec"]["containers"]:
                    service = BINARY_SERVICE.get((c.get("command") or [""])[0])
                    if not service:
                        problem(f"{file}: {doc['metadata']['name']}: command {c.get('command')} is not a statuscast service")
                        continue
                    for e in c.get("env", []):
                        if "value" not in e and e["name"] != "STATUSCAST_DATABASE_URL":
                            continue  # secretEnv: free-form by design
                        n += 1
                        if not known_env(root, service, e["name"]):
                            problem(f"{file}: {doc['metadata']['name']}: statuscast-{service} does not read {e['name']}")
    finish(f"helm: {n} environment settings, each read by its service")


def check_dockerfile(root, build):
    text = read(f"{root}/Dockerfile")
    stages = re.split(r"^FROM ", text, flags=re.M)
    runtime = stages[-1]
    if not re.search(r"^USER\s+(?!0\b|root\b)\S+", runtime, re.M):
        problem("Dockerfile: the runtime stage does not switch to a non-root USER")
    if "HEALTHCHECK" not in runtime:
        problem("Dockerfile: no HEALTHCHECK")
    installed = set()
    joined = runtime.replace("\\\n", " ")
    for m in re.finditer(r"apt-get install([^&\n]*)", joined):
        installed |= {w for w in m.group(1).split() if not w.startswith("-")}
    base = {"libc6", "libgcc-s1", "libstdc++6"}  # in debian:bookworm-slim (apt needs them)
    # Every package either stage installs exists in Debian 12 (this machine's apt lists).
    everything = set()
    for m in re.finditer(r"apt-get install([^&\n]*)", text.replace("\\\n", " ")):
        everything |= {w for w in m.group(1).split() if not w.startswith("-")}
    r = subprocess.run(["apt-cache", "policy", *sorted(everything)], capture_output=True, text=True)
    candidates = dict(re.findall(r"^(\S+):\n\s+Installed: .*\n\s+Candidate: (.*)$", r.stdout, re.M))
    for pkg in sorted(everything):
        if candidates.get(pkg, "(none)") == "(none)":
            problem(f"Dockerfile installs {pkg}, which apt-cache does not know (run apt-get update?)")
    for src in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        if not os.path.exists(f"{root}/{src}"):
            problem(f"Dockerfile: COPY {src}: no such path in the repository")
    binaries = {"statuscast-comms": "services/comms", "statuscast-banner": "services/banner",
                "statuscastctl": "services/ctl"}
    for b, d in binaries.items():
        if f"/build/{d}/{b}" not in text:
            problem(f"Dockerfile: does not install {b}")
        path = f"{build}/{d}/{b}"
        if not os.path.isfile(path):
            problem(f"{path} is not built; cannot check its libraries")
            continue
        out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
        for lib in re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out):
            r = subprocess.run(["dpkg", "-S", f"*/{lib}"], capture_output=True, text=True)
            pkgs = {l.split(":")[0] for l in r.stdout.splitlines() if l}
            pkgs = {p.split(",")[0].strip() for p in pkgs}
            if not pkgs:
                problem(f"{b} needs {lib}, which no Debian package provides")
            elif not pkgs & (installed | base):
                problem(f"{b} needs {lib} (Debian {', '.join(sorted(pkgs))}), not installed in the runtime stage")
    finish(f"Dockerfile: runtime stage installs {len(installed)} packages covering every library the binaries link")


def check_chart_copies(root):
    pairs = [("deploy/prometheus/statuscast-rules.yml", "deploy/helm/statuscast/files/statuscast-rules.yml"),
             ("deploy/grafana/dashboards/statuscast.json", "deploy/helm/statuscast/files/statuscast.json")]
    for a, b in pairs:
        if read(f"{root}/{a}") != read(f"{root}/{b}"):
            problem(f"{b} differs from {a}: cp {a} {b}")
    finish("chart copies of the alert rules and the dashboard are identical to deploy/")


def github_anchor(heading):
    a = heading.strip().lower()
    a = re.sub(r"[^\w\- ]", "", a)
    return a.replace(" ", "-")


def check_runbook(root):
    doc = read(f"{root}/docs/operations.md")
    anchors = {github_anchor(h) for h in re.findall(r"^#+\s+(.+)$", doc, re.M)}
    rules = yaml.safe_load(read(f"{root}/deploy/prometheus/statuscast-rules.yml"))
    alerts = [r for g in rules["groups"] for r in g["rules"] if "alert" in r]
    for r in alerts:
        link = r.get("annotations", {}).get("runbook", "")
        if not link.startswith("docs/operations.md#"):
            problem(f"alert {r['alert']}: runbook annotation {link!r} does not point into docs/operations.md")
            continue
        anchor = link.split("#", 1)[1]
        if anchor not in anchors:
            problem(f"alert {r['alert']}: docs/operations.md has no section #{anchor}")
        if anchor != r["alert"].lower():
            problem(f"alert {r['alert']}: runbook anchor #{anchor} is not the alert name")
    # Links into operations.md from the deployment files and docs resolve.
    for base in ("deploy", "docs", "README.md"):
        path = f"{root}/{base}"
        files = [path] if os.path.isfile(path) else [
            os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs]
        for f in files:
            if not f.endswith((".md", ".yaml", ".yml", ".txt")):
                continue
            for anchor in re.findall(r"operations\.md#([\w-]+)", read(f)):
                if anchor not in anchors:
                    problem(f"{os.path.relpath(f, root)}: link to operations.md#{anchor}, no such section")
            if f.endswith("operations.md"):
                for anchor in re.findall(r"\]\(#([\w-]+)\)", read(f)):
                    if anchor not in anchors:
                        problem(f"docs/operations.md: link to #{anchor}, no such section")
    finish(f"runbook: {len(alerts)} alerts, each with its section in docs/operations.md")


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmd, root = sys.argv[1], sys.argv[2]
    if cmd == "compose":
        check_compose(root)
    elif cmd == "exported-metrics":
        check_exported_metrics(root)
    elif cmd == "dashboard":
        check_dashboard(root, sys.argv[3])
    elif cmd == "helm-env":
        check_helm_env(root, sys.argv[3:])
    elif cmd == "dockerfile":
        check_dockerfile(root, sys.argv[3])
    elif cmd == "chart-copies":
        check_chart_copies(root)
    elif cmd == "runbook":
        check_runbook(root)
    elif cmd == "list-metrics":
        print("\n".join(sorted(metrics_from_source(root))))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
