//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestInterrupt sends SIGINT to a build while it writes, as Ctrl-C does:
// one line on stderr saying the build was interrupted, exit status 130, the
// previous output as it was and nothing left beside it.
func TestInterrupt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "statusdocs")
	if out, err := exec.Command(goTool(t), "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	src := filepath.Join(dir, "content")
	testenv.WriteFS(t, src, testenv.SyntheticContent(3000))
	parent := filepath.Join(dir, "public")
	out := filepath.Join(parent, "site")
	args := []string{"build", "-content", src, "-no-cache", "-out", out}
	if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, b)
	}
	before := testenv.ReadTree(t, out)

	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the build is writing: its temporary folder exists.
	deadline := time.Now().Add(testenv.Deadline)
	for {
		m, _ := filepath.Glob(filepath.Join(parent, ".site.tmp-*", "*"))
		if len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the build never started writing")
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("build ended with %v (did it finish before the signal?); stderr %q", err, stderr.String())
	}
	if exit.ExitCode() != 130 {
		t.Errorf("exit status %d, want 130; stderr %q", exit.ExitCode(), stderr.String())
	}
	if got := stderr.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "interrupted") || !strings.Contains(got, out) {
		t.Errorf("stderr = %q, want one line saying the build was interrupted and %s left as it was", got, out)
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
	after := testenv.ReadTree(t, out)
	if len(after) != len(before) {
		t.Errorf("output has %d files after the interrupt, %d before", len(after), len(before))
	}
	for name, data := range before {
		if after[name] != data {
			t.Errorf("interrupted build changed %s", name)
			break
		}
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("beside the output: %q, want only site", names)
	}
}
