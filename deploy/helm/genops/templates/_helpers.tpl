{{- define "genops.labels" -}}
app.kubernetes.io/part-of: genops
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "genops.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/name: {{ .name }}
{{- end }}

{{- /* The defaults meet Pod Security "restricted"; values.podSecurityContext / containerSecurityContext override keys. */}}
{{- define "genops.podSecurityContext" -}}
{{- include "genops.overSecurityDefaults" (list (fromYaml (include "genops.podSecurityContextDefaults" .)) .Values.podSecurityContext) }}
{{- end }}

{{- define "genops.containerSecurityContext" -}}
{{- include "genops.overSecurityDefaults" (list (fromYaml (include "genops.containerSecurityContextDefaults" .)) .Values.containerSecurityContext) }}
{{- end }}

{{- /* (list defaults overrides): the overrides' keys over the defaults; a key set to null is left out. */}}
{{- define "genops.overSecurityDefaults" -}}
{{- $context := mergeOverwrite (index . 0) (deepCopy (index . 1)) }}
{{- range $key, $value := deepCopy $context }}
{{- if kindIs "invalid" $value }}{{ $_ := unset $context $key }}{{ end }}
{{- end }}
{{- toYaml $context }}
{{- end }}

{{- define "genops.podSecurityContextDefaults" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "genops.containerSecurityContextDefaults" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end }}
