{{/* Chart name, truncated for label values. */}}
{{- define "statuscast.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name prefix: <release>-statuscast, or the release name when it already contains the chart name. */}}
{{- define "statuscast.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "statuscast.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "statuscast.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: statuscast
{{- end -}}

{{/* Selector labels; call with (dict "root" $ "component" "comms"). */}}
{{- define "statuscast.selectorLabels" -}}
app.kubernetes.io/name: {{ include "statuscast.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "statuscast.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding STATUSCAST_DATABASE_URL. */}}
{{- define "statuscast.secretName" -}}
{{- if .Values.database.existingSecret -}}
{{- .Values.database.existingSecret -}}
{{- else -}}
{{- include "statuscast.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "statuscast.secretKey" -}}
{{- if .Values.database.existingSecret -}}
{{- .Values.database.existingSecretKey -}}
{{- else -}}
database-url
{{- end -}}
{{- end -}}

{{/* Fails the render early when no database is configured. */}}
{{- define "statuscast.validate" -}}
{{- if and (not .Values.database.url) (not .Values.database.existingSecret) -}}
{{- fail "statuscast needs an external PostgreSQL: set database.url (postgresql://user:password@host:5432/db) or database.existingSecret" -}}
{{- end -}}
{{- $_ := include "statuscast.statusPageUrl" . -}}
{{- if and .Values.banner.autoscaling.enabled (lt (int .Values.banner.autoscaling.maxReplicas) (int .Values.banner.autoscaling.minReplicas)) -}}
{{- fail "banner.autoscaling.maxReplicas must be >= minReplicas" -}}
{{- end -}}
{{- end -}}

{{/* banner.statusPageUrl, required and checked: http(s), a host, no query. */}}
{{- define "statuscast.statusPageUrl" -}}
{{- $url := required "statuscast needs the public URL of its status page for banner links: set banner.statusPageUrl (e.g. https://status.example.com)" .Values.banner.statusPageUrl -}}
{{- if not (regexMatch "^[hH][tT][tT][pP][sS]?://[^/?#@[:space:]]+(/[^?#[:space:]]*)?$" $url) -}}
{{- fail (printf "banner.statusPageUrl %q must be an http:// or https:// URL with a host and no query, e.g. https://status.example.com" $url) -}}
{{- end -}}
{{- trimSuffix "/" $url -}}
{{- end -}}

{{/* Environment every statuscast container gets: the database URL from the Secret. */}}
{{- define "statuscast.databaseEnv" -}}
- name: STATUSCAST_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "statuscast.secretName" . }}
      key: {{ include "statuscast.secretKey" . }}
{{- end -}}

{{/* Checksums that roll the pods when their configuration changes. */}}
{{- define "statuscast.configChecksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.database.existingSecret }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end -}}

{{/* Default topology spread: replicas over nodes, best effort. */}}
{{- define "statuscast.topologySpread" -}}
{{- $svc := index .root.Values .component -}}
{{- if $svc.topologySpreadConstraints -}}
{{ toYaml $svc.topologySpreadConstraints }}
{{- else -}}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "statuscast.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}

{{/* A PodDisruptionBudget; call with (dict "root" $ "component" "comms"). */}}
{{- define "statuscast.pdb" -}}
{{- $svc := index .root.Values .component -}}
{{- if $svc.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "statuscast.fullname" .root }}-{{ .component }}
  labels:
    {{- include "statuscast.labels" .root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  {{- if not (eq (toString $svc.podDisruptionBudget.maxUnavailable) "") }}
  maxUnavailable: {{ $svc.podDisruptionBudget.maxUnavailable }}
  {{- else }}
  minAvailable: {{ $svc.podDisruptionBudget.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "statuscast.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* secretEnv entries, read from the chart's Secret. */}}
{{- define "statuscast.secretEnv" -}}
{{- if not .Values.database.existingSecret -}}
{{- range $k, $v := .Values.secretEnv }}
- name: {{ $k }}
  valueFrom:
    secretKeyRef:
      name: {{ include "statuscast.fullname" $ }}
      key: {{ $k }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* Pod-level settings shared by every pod of the chart. */}}
{{- define "statuscast.podCommon" -}}
automountServiceAccountToken: false
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* gRPC TLS (tls.secretName) for either service: flags as environment
variables, the Secret's mount and its volume. */}}
{{- define "statuscast.tlsEnv" -}}
{{- with .Values.tls.secretName }}
- name: STATUSCAST_TLS_CERT
  value: {{ printf "%s/tls.crt" $.Values.tls.mountPath | quote }}
- name: STATUSCAST_TLS_KEY
  value: {{ printf "%s/tls.key" $.Values.tls.mountPath | quote }}
{{- with $.Values.tls.clientCaKey }}
- name: STATUSCAST_TLS_CLIENT_CA
  value: {{ printf "%s/%s" $.Values.tls.mountPath . | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- define "statuscast.tlsVolumeMount" -}}
{{- if .Values.tls.secretName }}
- name: tls
  mountPath: {{ .Values.tls.mountPath }}
  readOnly: true
{{- end }}
{{- end }}

{{/* Mode 0400: with the pods' fsGroup the kubelet makes the files readable
by that group only, which the services accept without a warning. */}}
{{- define "statuscast.tlsVolume" -}}
{{- with .Values.tls.secretName }}
- name: tls
  secret:
    secretName: {{ . }}
    defaultMode: 0400
{{- end }}
{{- end }}

{{/* A probe on the gRPC port: the gRPC health service in plaintext; with
TLS (which Kubernetes' grpc probes cannot speak) a TCP connect. */}}
{{- define "statuscast.grpcProbe" -}}
{{- if .root.Values.tls.secretName }}
tcpSocket:
  port: {{ .port }}
{{- else }}
grpc:
  port: {{ .port }}
  {{- with .service }}
  service: {{ . }}
  {{- end }}
{{- end }}
{{- end }}
