package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestCheckCommand runs statusdocs check on the shipped site (no problems,
// exit 0) and on a copy of the fixture with mistakes: each is printed as
// path:line: message (or a GitHub annotation), the program exits 1, and
// nothing is written, not even the highlight cache.
func TestCheckCommand(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	cache := t.TempDir()
	if err := run(context.Background(), []string{"check", "-cache", cache}, &stdout, &stderr); err != nil {
		t.Fatalf("check of the shipped site: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if !regexp.MustCompile(`^checked \d+ pages in 2 languages: no problems\n$`).MatchString(stdout.String()) {
		t.Errorf("stdout = %q", stdout.String())
	}

	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	fixture := testenv.MapFS(t, testenv.Repo(t, "testdata/site/content"))
	fixture["4xx/410.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Gone\nsummary: It left.\nstatus: standard\n---\nSee\n[x](/499/) and [y](/404/#no-such-anchor).\n")}
	testenv.WriteFS(t, content, fixture)
	before := testenv.ReadTree(t, dir)
	for _, format := range []string{"text", "github"} {
		stdout.Reset()
		err := run(context.Background(), []string{"check", "-content", content, "-cache", cache, "-format", format}, &stdout, &stderr)
		if !errors.Is(err, errProblems) {
			t.Fatalf("%s: check = %v, want errProblems", format, err)
		}
		out := stdout.String()
		want := content + "/4xx/410.md:7: link to /499/: no such page"
		if format == "github" {
			want = "::error file=" + content + "/4xx/410.md,line=7::link to /499/: no such page"
		}
		if !strings.Contains(out, want+"\n") {
			t.Errorf("%s: output lacks %q:\n%s", format, want, out)
		}
	}
	// The anchor is checked in the output, as a build does.
	fixture["4xx/410.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Gone\nsummary: It left.\nstatus: standard\n---\nSee [y](/404/#no-such-anchor).\n")}
	testenv.WriteFS(t, content, fixture)
	before = testenv.ReadTree(t, dir)
	stdout.Reset()
	if err := run(context.Background(), []string{"check", "-content", content, "-cache", cache}, &stdout, &stderr); !errors.Is(err, errProblems) ||
		!strings.Contains(stdout.String(), "no-such-anchor") {
		t.Errorf("broken anchor: %v\n%s", err, stdout.String())
	}
	after := testenv.ReadTree(t, dir)
	if len(after) != len(before) {
		t.Errorf("check wrote files: %d before, %d after", len(before), len(after))
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("check wrote the highlight cache: %v", entries)
	}
	if err := run(context.Background(), []string{"check", "-format", "xml"}, &stdout, &stderr); !errors.Is(err, errUsage) {
		t.Errorf("-format xml: %v", err)
	}
}

// TestCheckTranslations: a translation gone stale is a warning line (exit
// 0; a GitHub warning annotation) and, with -strict-translations, a
// problem (exit 1), in check as in build.
func TestCheckTranslations(t *testing.T) {
	t.Parallel()
	cache := t.TempDir()
	content := filepath.Join(t.TempDir(), "content")
	fixture := testenv.MapFS(t, testenv.Repo(t, "testdata/site/content"))
	en := string(fixture["4xx/404.md"].Data)
	fixture["4xx/404.md"] = &fstest.MapFile{Data: []byte(strings.Replace(en, "There is nothing", "There is really nothing", 1))}
	testenv.WriteFS(t, content, fixture)
	stale := content + "/zh-cn/4xx/404.md: translation of " + content + "/4xx/404.md is out of date"
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"check", "-content", content, "-cache", cache}, &stdout, &stderr); err != nil ||
		!strings.Contains(stdout.String(), "warning: "+stale) || !strings.Contains(stdout.String(), "no problems") {
		t.Errorf("check: %v\n%s", err, stdout.String())
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"check", "-content", content, "-cache", cache, "-format", "github"}, &stdout, &stderr); err != nil ||
		!strings.Contains(stdout.String(), "::warning file="+content+"/zh-cn/4xx/404.md::translation of ") {
		t.Errorf("check -format github: %v\n%s", err, stdout.String())
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"check", "-content", content, "-cache", cache, "-strict-translations"}, &stdout, &stderr); !errors.Is(err, errProblems) ||
		!strings.Contains(stdout.String(), stale) {
		t.Errorf("check -strict-translations: %v\n%s", err, stdout.String())
	}
	out := filepath.Join(t.TempDir(), "site")
	stdout.Reset()
	stderr.Reset()
	if err := run(context.Background(), []string{"build", "-content", content, "-cache", cache, "-out", out}, &stdout, &stderr); err != nil ||
		!strings.Contains(stderr.String(), "statusdocs: warning: "+stale) {
		t.Errorf("build: %v\n%s", err, stderr.String())
	}
	if err := run(context.Background(), []string{"build", "-content", content, "-cache", cache, "-out", out + "2", "-strict-translations"}, &stdout, &stderr); err == nil {
		t.Error("build -strict-translations with a stale translation succeeded")
	}
	if _, err := os.Stat(out + "2"); !os.IsNotExist(err) {
		t.Error("the failed strict build wrote its output")
	}
}
