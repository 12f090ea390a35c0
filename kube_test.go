package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestKubernetesManifest checks the README's manifest for statusdocs
// serve-errors, for syntax only (no cluster here): every document
// decodes; the Deployment runs serve-errors on the port its probes and the
// Service use, probing /healthz; the controller's ConfigMap lists codes.
func TestKubernetesManifest(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var block []byte
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(readme, -1) {
		if bytes.Contains(m[1], []byte("kind: Deployment")) {
			block = m[1]
		}
	}
	if block == nil {
		t.Fatal("README.md has no ```yaml block with a Deployment")
	}
	type port struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
		Port          int    `yaml:"port"`
		TargetPort    string `yaml:"targetPort"`
	}
	type probe struct {
		HTTPGet struct {
			Path string `yaml:"path"`
			Port string `yaml:"port"`
		} `yaml:"httpGet"`
	}
	type doc struct {
		Kind     string                `yaml:"kind"`
		Metadata struct{ Name string } `yaml:"metadata"`
		Data     map[string]string     `yaml:"data"`
		Spec     struct {
			Selector struct {
				MatchLabels map[string]string `yaml:"matchLabels"`
			} `yaml:"selector"`
			Ports    []port `yaml:"ports"`
			Template struct {
				Spec struct {
					Containers []struct {
						Args           []string `yaml:"args"`
						Ports          []port   `yaml:"ports"`
						ReadinessProbe probe    `yaml:"readinessProbe"`
						LivenessProbe  probe    `yaml:"livenessProbe"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	var docs []doc
	dec := yaml.NewDecoder(bytes.NewReader(block))
	for {
		var d doc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("manifest: %v", err)
		}
		docs = append(docs, d)
	}
	kinds := map[string]doc{}
	for _, d := range docs {
		kinds[d.Kind] = d
	}
	dep, svc, cm := kinds["Deployment"], kinds["Service"], kinds["ConfigMap"]
	if len(dep.Spec.Template.Spec.Containers) != 1 || svc.Kind == "" || cm.Kind == "" {
		t.Fatalf("want a Deployment with one container, a Service and a ConfigMap; got %d documents", len(docs))
	}
	c := dep.Spec.Template.Spec.Containers[0]
	if !slices.Contains(c.Args, "serve-errors") || !slices.Contains(c.Args, ":8080") {
		t.Errorf("container args %q do not run serve-errors on :8080", c.Args)
	}
	if len(c.Ports) != 1 || c.Ports[0].ContainerPort != 8080 {
		t.Errorf("container ports %+v, want 8080", c.Ports)
	}
	for _, p := range []probe{c.ReadinessProbe, c.LivenessProbe} {
		if p.HTTPGet.Path != "/healthz" || p.HTTPGet.Port != c.Ports[0].Name {
			t.Errorf("probe %+v, want /healthz on port %q", p, c.Ports[0].Name)
		}
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort != c.Ports[0].Name {
		t.Errorf("Service ports %+v do not target the container's port", svc.Spec.Ports)
	}
	codes := strings.Split(cm.Data["custom-http-errors"], ",")
	for _, code := range codes {
		if !regexp.MustCompile(`^[45][0-9][0-9]$`).MatchString(code) {
			t.Errorf("custom-http-errors %q: %q is not a 4xx or 5xx code", cm.Data["custom-http-errors"], code)
		}
	}
}
