{{- /*
Helpers shared by the templates. The chart keeps to Go's text/template and its built-in functions
(no Sprig functions, no `include`), so that test/deploy/helm.test.ts renders it with Go's own engine
and Helm renders it the same. Block helpers carry their indentation and start each line with a
line break, so that a call site `{{- template "…" . }}` continues the block it stands in.
*/ -}}

{{- define "quarry.fullname" -}}
{{- if .Values.fullnameOverride }}{{ .Values.fullnameOverride }}{{ else }}{{ .Release.Name }}-quarry{{ end }}
{{- end }}

{{- define "quarry.image" -}}
{{ .Values.image.repository }}:{{ if .Values.image.tag }}{{ .Values.image.tag }}{{ else }}{{ .Chart.AppVersion }}{{ end }}
{{- end }}

{{- /* Flow-mapping entries (used inside `{ … }`): what selects this release's pods. */ -}}
{{- define "quarry.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}, app.kubernetes.io/instance: {{ printf "%q" .Release.Name }}
{{- end }}

{{- define "quarry.labels" -}}
{{ template "quarry.selector" . }}, app.kubernetes.io/managed-by: {{ .Release.Service }}, helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- /* Lines of config.properties that coordinator and workers share (indented for a ConfigMap). */ -}}
{{- define "quarry.commonConfigProperties" }}
    retry-policy={{ .Values.server.retryPolicy }}
    metrics.port={{ .Values.metrics.port }}
{{- range .Values.additionalConfigProperties }}
    {{ . }}
{{- end }}
{{- end }}

{{- define "quarry.exchangeManagerProperties" }}
    exchange-manager.name={{ .Values.server.exchangeManager.name }}
    exchange.base-directories={{ range $i, $dir := .Values.server.exchangeManager.baseDirectories }}{{ if $i }},{{ end }}{{ $dir }}{{ end }}
{{- with .Values.server.exchangeManager.s3 }}
{{- with index . "region" }}
    exchange.s3.region={{ . }}
{{- end }}
{{- with index . "endpoint" }}
    exchange.s3.endpoint={{ . }}
{{- end }}
{{- if index . "pathStyleAccess" }}
    exchange.s3.path-style-access=true
{{- end }}
{{- end }}
{{- range .Values.additionalExchangeManagerProperties }}
    {{ . }}
{{- end }}
{{- end }}

{{- /* Container environment both roles get (indented for containers[].env). */ -}}
{{- define "quarry.env" }}
            - name: NATS_URL
              value: {{ printf "%v" .Values.nats.url | printf "%q" }}
            - name: QUARRY_PREFIX
              value: {{ printf "%v" .Values.nats.prefix | printf "%q" }}
{{- with .Values.nats.auth.existingSecret }}
            - name: NATS_USER
              valueFrom:
                secretKeyRef: { name: {{ printf "%q" . }}, key: {{ printf "%q" $.Values.nats.auth.userKey }} }
            - name: NATS_PASSWORD
              valueFrom:
                secretKeyRef: { name: {{ printf "%q" . }}, key: {{ printf "%q" $.Values.nats.auth.passwordKey }} }
{{- end }}
{{- with .Values.s3.existingSecret }}
            - name: AWS_ACCESS_KEY_ID
              valueFrom:
                secretKeyRef: { name: {{ printf "%q" . }}, key: {{ printf "%q" $.Values.s3.accessKeyIdKey }} }
            - name: AWS_SECRET_ACCESS_KEY
              valueFrom:
                secretKeyRef: { name: {{ printf "%q" . }}, key: {{ printf "%q" $.Values.s3.secretAccessKeyKey }} }
{{- end }}
{{- with .Values.sharedSecret.existingSecret }}
            - name: QUARRY_SHARED_SECRET
              valueFrom:
                secretKeyRef: { name: {{ printf "%q" . }}, key: {{ printf "%q" $.Values.sharedSecret.key }} }
{{- end }}
{{- range $name, $value := .Values.env }}
            - name: {{ printf "%q" $name }}
              value: {{ printf "%v" $value | printf "%q" }}
{{- end }}
{{- end }}

{{- /* The pod's part of a Deployment that both roles share: metrics port, probes, config volume. */ -}}
{{- define "quarry.containerCommon" }}
          ports:
            - { name: metrics, containerPort: {{ .Values.metrics.port }}, protocol: TCP }
          readinessProbe:
            httpGet: { path: /metrics, port: metrics }
            periodSeconds: 10
            failureThreshold: 3
          livenessProbe:
            httpGet: { path: /metrics, port: metrics }
            initialDelaySeconds: 20
            periodSeconds: 10
            failureThreshold: 6
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: { drop: [ALL] }
          volumeMounts:
            - { name: config, mountPath: {{ printf "%q" .Values.server.config.path }}, readOnly: true }
{{- end }}

{{- /* The config volume: a role's ConfigMap, plus catalog/<name>.properties when there are catalogs. */ -}}
{{- define "quarry.catalogProjection" }}
{{- if .Values.catalogs }}
              - configMap:
                  name: {{ template "quarry.fullname" . }}-catalog
                  items:
{{- range $name, $lines := .Values.catalogs }}
                    - { key: {{ printf "%s.properties" $name | printf "%q" }}, path: {{ printf "catalog/%s.properties" $name | printf "%q" }} }
{{- end }}
{{- end }}
{{- end }}

{{- define "quarry.resources" }}
{{- with index . "requests" }}
            requests:
{{- with index . "cpu" }}
              cpu: {{ . }}
{{- end }}
{{- with index . "memory" }}
              memory: {{ . }}
{{- end }}
{{- end }}
{{- with index . "limits" }}
            limits:
{{- with index . "cpu" }}
              cpu: {{ . }}
{{- end }}
{{- with index . "memory" }}
              memory: {{ . }}
{{- end }}
{{- end }}
{{- end }}
