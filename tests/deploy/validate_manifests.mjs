// Validates rendered Kubernetes manifests offline: every document against the
// Kubernetes (and Prometheus Operator) OpenAPI schemas of kubernetes-models,
// then the references between them (selectors, ports, ConfigMaps, Secrets,
// HPA targets, hook order). Exit 0 when all pass, 1 with every problem listed.
//
//   node validate_manifests.mjs [--existing-secret NAME] rendered.yaml...
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const args = process.argv.slice(2);
const existingSecrets = new Set();
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--existing-secret") existingSecrets.add(args[++i]);
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error("usage: node validate_manifests.mjs [--existing-secret NAME] rendered.yaml...");
  process.exit(2);
}

// apiVersion -> module prefix. Anything else is an error, never a skip.
function modulePath(apiVersion, kind) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

const problems = [];
const objects = [];
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) {
      problems.push(`${file}: YAML error: ${doc.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue;
    objects.push({ file, obj });
  }
}
if (objects.length === 0) problems.push(`no manifests in ${files.join(", ")}`);

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

for (const { file, obj } of objects) {
  const where = `${file}: ${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
  if (!obj.apiVersion || !obj.kind) {
    problems.push(`${where}: missing apiVersion or kind`);
    continue;
  }
  let Model;
  try {
    const mod = await import(modulePath(obj.apiVersion, obj.kind));
    Model = mod[obj.kind];
  } catch (e) {
    problems.push(`${where}: no schema for ${obj.apiVersion} ${obj.kind} (${e.code ?? e.message})`);
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    const details = (e.errors ?? []).map((x) => `${x.instancePath} ${x.message}`).join("; ");
    problems.push(`${where}: schema: ${e.message}${details ? ` [${details}]` : ""}`);
  }
  const name = obj.metadata?.name ?? "";
  const nameOk = obj.kind === "Service" ? DNS1035_LABEL.test(name) && name.length <= 63
                                       : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  if (!nameOk) problems.push(`${where}: invalid name "${name}"`);
  for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
    if (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v)) {
      problems.push(`${where}: label ${k} has an invalid value ${JSON.stringify(v)}`);
    }
  }
}

// References between objects.
const byKind = (kind) => objects.map((o) => o.obj).filter((o) => o.kind === kind);
const named = (kind, name) => byKind(kind).find((o) => o.metadata.name === name);
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const workloads = [...byKind("Deployment"), ...byKind("Job")];

for (const w of workloads) {
  const where = `${w.kind}/${w.metadata.name}`;
  const pod = w.spec.template;
  if (w.kind === "Deployment" && !matches(w.spec.selector.matchLabels, pod.metadata?.labels)) {
    problems.push(`${where}: selector does not match the pod template labels`);
  }
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  for (const v of volumes.values()) {
    if (v.configMap && !named("ConfigMap", v.configMap.name)) {
      problems.push(`${where}: volume ${v.name} names ConfigMap ${v.configMap.name}, not rendered`);
    }
  }
  for (const c of pod.spec.containers) {
    const seen = new Set();
    for (const e of c.env ?? []) {
      if (seen.has(e.name)) problems.push(`${where}: env ${e.name} is set twice`);
      seen.add(e.name);
      const ref = e.valueFrom?.secretKeyRef;
      if (ref) {
        const s = named("Secret", ref.name);
        if (!s && !existingSecrets.has(ref.name)) {
          problems.push(`${where}: env ${e.name} reads Secret ${ref.name}, neither rendered nor given as existing`);
        } else if (s && !(ref.key in (s.stringData ?? {})) && !(ref.key in (s.data ?? {}))) {
          problems.push(`${where}: env ${e.name} reads key ${ref.key} missing from Secret ${ref.name}`);
        }
      }
    }
    for (const ef of c.envFrom ?? []) {
      if (ef.configMapRef && !named("ConfigMap", ef.configMapRef.name)) {
        problems.push(`${where}: envFrom ConfigMap ${ef.configMapRef.name} is not rendered`);
      }
    }
    const portNames = new Set((c.ports ?? []).map((p) => p.name));
    const portNumbers = new Set((c.ports ?? []).map((p) => p.containerPort));
    for (const probeName of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      const probe = c[probeName];
      if (!probe) {
        if (w.kind === "Deployment") problems.push(`${where}: container ${c.name} has no ${probeName}`);
        continue;
      }
      const port = probe.grpc?.port ?? probe.httpGet?.port ?? probe.tcpSocket?.port;
      if (typeof port === "string" ? !portNames.has(port) : !portNumbers.has(port)) {
        problems.push(`${where}: ${probeName} uses port ${port}, which the container does not declare`);
      }
      // statuscast-comms is ready only while its database answers: the
      // IncidentService health status, not the server's overall one.
      if (probeName === "readinessProbe" && c.name.includes("comms") && probe.grpc &&
          probe.grpc.service !== "statuscast.v1.IncidentService") {
        problems.push(`${where}: comms readinessProbe does not ask for statuscast.v1.IncidentService`);
      }
    }
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.has(m.name)) problems.push(`${where}: volumeMount ${m.name} has no volume`);
    }
    if (w.kind === "Deployment" && !c.resources?.requests) {
      problems.push(`${where}: container ${c.name} has no resource requests (the HPA needs them)`);
    }
  }
  const sc = pod.spec.securityContext ?? {};
  if (sc.runAsNonRoot !== true) problems.push(`${where}: pod does not set runAsNonRoot`);
}

for (const svc of byKind("Service")) {
  const where = `Service/${svc.metadata.name}`;
  const targets = byKind("Deployment").filter((d) => matches(svc.spec.selector, d.spec.template.metadata.labels));
  if (targets.length !== 1) {
    problems.push(`${where}: selector matches ${targets.length} Deployments, expected 1`);
    continue;
  }
  const ports = targets[0].spec.template.spec.containers.flatMap((c) => c.ports ?? []);
  for (const p of svc.spec.ports) {
    const ok = typeof p.targetPort === "string"
      ? ports.some((cp) => cp.name === p.targetPort)
      : ports.some((cp) => cp.containerPort === (p.targetPort ?? p.port));
    if (!ok) problems.push(`${where}: port ${p.name} targets ${p.targetPort}, not a container port of ${targets[0].metadata.name}`);
  }
}

for (const pdb of byKind("PodDisruptionBudget")) {
  const n = byKind("Deployment").filter((d) => matches(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels)).length;
  if (n !== 1) problems.push(`PodDisruptionBudget/${pdb.metadata.name}: selector matches ${n} Deployments, expected 1`);
}

for (const hpa of byKind("HorizontalPodAutoscaler")) {
  const ref = hpa.spec.scaleTargetRef;
  const d = named(ref.kind, ref.name);
  if (!d) problems.push(`HorizontalPodAutoscaler/${hpa.metadata.name}: target ${ref.kind}/${ref.name} is not rendered`);
  else if (d.spec.replicas !== undefined) {
    problems.push(`Deployment/${d.metadata.name}: sets replicas although an HPA scales it`);
  }
}

for (const sm of byKind("ServiceMonitor")) {
  const svcs = byKind("Service").filter((s) => matches(sm.spec.selector.matchLabels, s.metadata.labels) &&
    (sm.spec.selector.matchExpressions ?? []).every((e) => e.operator !== "Exists" || e.key in (s.metadata.labels ?? {})));
  if (svcs.length === 0) problems.push(`ServiceMonitor/${sm.metadata.name}: selects no Service`);
  for (const s of svcs) {
    for (const ep of sm.spec.endpoints) {
      if (!s.spec.ports.some((p) => p.name === ep.port)) {
        problems.push(`ServiceMonitor/${sm.metadata.name}: Service ${s.metadata.name} has no port ${ep.port}`);
      }
    }
    if (sm.spec.jobLabel && !s.metadata.labels?.[sm.spec.jobLabel]) {
      problems.push(`ServiceMonitor/${sm.metadata.name}: Service ${s.metadata.name} lacks the job label ${sm.spec.jobLabel}`);
    }
  }
}

// Hooks: whatever a hook Job reads must exist before it (a lower weight hook
// or a pre-existing Secret), since ordinary resources come after pre-install hooks.
const hookWeight = (o) => Number(o.metadata.annotations?.["helm.sh/hook-weight"] ?? 0);
const isHook = (o) => Boolean(o.metadata.annotations?.["helm.sh/hook"]);
for (const job of byKind("Job").filter(isHook)) {
  for (const c of job.spec.template.spec.containers) {
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (!ref || existingSecrets.has(ref.name)) continue;
      const s = named("Secret", ref.name);
      if (s && !(isHook(s) && hookWeight(s) < hookWeight(job))) {
        problems.push(`Job/${job.metadata.name}: hook reads Secret ${ref.name}, which is not an earlier hook`);
      }
    }
  }
}

const kinds = {};
for (const { obj } of objects) kinds[obj.kind] = (kinds[obj.kind] ?? 0) + 1;
if (problems.length) {
  console.error(`${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`valid: ${objects.length} manifests (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ")})`);
