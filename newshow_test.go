package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestNewCommand writes skeletons for an unregistered and a registered
// code into a copy of the fixture: each builds as it is, carries the
// registry's title and section where there is one, and is never written
// over.
func TestNewCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	testenv.WriteFS(t, content, testenv.MapFS(t, testenv.Repo(t, "testdata/site/content")))
	var stdout, stderr bytes.Buffer
	for _, c := range []struct{ arg, file, want string }{
		{"456", "4xx/456.md", "status: unofficial"},
		{"4xx/410", "4xx/410.md", "title: Gone\nsummary: \"TODO"},
		{"5xx/510", "5xx/510.md", "title: Not Extended\nsummary: \"TODO what the code means, in one sentence.\"\nstatus: obsolete"},
	} {
		stdout.Reset()
		if err := run(context.Background(), []string{"new", "-content", content, c.arg}, &stdout, &stderr); err != nil {
			t.Fatalf("new %s: %v", c.arg, err)
		}
		data, err := os.ReadFile(filepath.Join(content, c.file))
		if err != nil || !strings.Contains(string(data), c.want) {
			t.Errorf("new %s wrote %q (%v), want it to contain %q", c.arg, data, err, c.want)
		}
		if !strings.Contains(stdout.String(), c.file) {
			t.Errorf("new %s printed %q", c.arg, stdout.String())
		}
	}
	if data, _ := os.ReadFile(filepath.Join(content, "4xx/410.md")); !strings.Contains(string(data), "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.11") {
		t.Errorf("410's skeleton lacks the registry's section:\n%s", data)
	}
	// The skeletons build (so an editor can preview them with serve).
	if err := run(context.Background(), []string{"build", "-content", content, "-no-cache", "-out", filepath.Join(dir, "out")}, &stdout, &stderr); err != nil {
		t.Errorf("building the skeletons: %v", err)
	}
	before, _ := os.ReadFile(filepath.Join(content, "4xx/456.md"))
	os.WriteFile(filepath.Join(content, "4xx/456.md"), append(before, "Edited.\n"...), 0o666)
	err := run(context.Background(), []string{"new", "-content", content, "456"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "already exists; not overwritten") {
		t.Errorf("new over an existing page: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(content, "4xx/456.md")); !strings.HasSuffix(string(after), "Edited.\n") {
		t.Error("new wrote over an existing page")
	}
	for _, arg := range []string{"5xx/456", "99", "600", "abc", "4xx/4560"} {
		if err := run(context.Background(), []string{"new", "-content", content, arg}, &stdout, &stderr); err == nil {
			t.Errorf("new %s succeeded", arg)
		}
	}
}

// TestShowCommand looks codes up as a terminal user would, in the
// embedded content.
func TestShowCommand(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ query, first string }{
		{"404", "404 Not Found\n"},
		{"teapot", "418 I'm a teapot (reserved)\n"},
		{"gateway timeout", "504 Gateway Timeout\n"},
		{"Request Entity Too Large", "413 Content Too Large\n"},
		{"too many requests", "429 Too Many Requests\n"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), append([]string{"show"}, strings.Fields(c.query)...), &stdout, &stderr); err != nil {
			t.Errorf("show %s: %v", c.query, err)
			continue
		}
		if !strings.HasPrefix(stdout.String(), c.first) || !strings.Contains(stdout.String(), "More: /") {
			t.Errorf("show %s =\n%s\nwant it to start %q", c.query, stdout.String(), c.first)
		}
	}
	var stdout, stderr bytes.Buffer
	// Who sends it, as the page says.
	if err := run(context.Background(), []string{"show", "520"}, &stdout, &stderr); err != nil ||
		!strings.Contains(stdout.String(), "Usually sent by:\n  - a CDN (Cloudflare): ") || !strings.Contains(stdout.String(), "`CF-RAY`") {
		t.Errorf("show 520: %v\n%s", err, stdout.String())
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"show", "-base-url", "https://example.org/docs/", "404"}, &stdout, &stderr); err != nil ||
		!strings.Contains(stdout.String(), "More: https://example.org/docs/404/") {
		t.Errorf("show -base-url: %v\n%s", err, stdout.String())
	}
	if err := run(context.Background(), []string{"show", "zzzzqqq"}, &stdout, &stderr); !errors.Is(err, errNoMatch) {
		t.Errorf("show of nothing: %v, want errNoMatch", err)
	}
	if err := run(context.Background(), []string{"show"}, &stdout, &stderr); !errors.Is(err, errUsage) {
		t.Errorf("show without a query: %v", err)
	}
}
