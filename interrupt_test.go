//go:build unix

package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
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
	bin := programBinary(t)
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
	testenv.WantTree(t, out, before, "after the interrupt")
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("beside the output: %q, want only site", names)
	}
}

var binary struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

// programBinary builds the program once per test run, for tests that
// signal a real process.
func programBinary(t *testing.T) string {
	t.Helper()
	goCmd := goTool(t)
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "statusdocs-bin-")
		if binary.err == nil {
			dir := binary.dir
			testenv.AtExit(func() { os.RemoveAll(dir) })
			binary.out, binary.err = exec.Command(goCmd, "build", "-o", filepath.Join(binary.dir, "statusdocs"), ".").CombinedOutput()
		}
	})
	if binary.err != nil {
		t.Fatalf("go build: %v\n%s", binary.err, binary.out)
	}
	return filepath.Join(binary.dir, "statusdocs")
}

// TestServeErrorsCommand runs statusdocs serve-errors as a container
// would, from the embedded pack and from a folder written by statusdocs
// errors: it answers the ingress protocol, and SIGTERM stops it cleanly
// (exit 0, after "shut down").
func TestServeErrorsCommand(t *testing.T) {
	t.Parallel()
	bin := programBinary(t)
	pack := filepath.Join(t.TempDir(), "pack")
	if out, err := exec.Command(bin, "errors", "-out", pack, "-base-url", "https://example.org/").CombinedOutput(); err != nil {
		t.Fatalf("statusdocs errors: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"serve-errors", "-addr", "127.0.0.1:0"}, {"serve-errors", "-addr", "127.0.0.1:0", "-dir", pack}} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = t.TempDir() // away from the repository: the embedded site
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stderr)
		addr := ""
		for addr == "" && lines.Scan() {
			if m := regexp.MustCompile(`serving error pages on http://(\S+)/`).FindStringSubmatch(lines.Text()); m != nil {
				addr = m[1]
			}
		}
		if addr == "" {
			cmd.Process.Kill()
			t.Fatalf("%v: no address printed", args)
		}
		req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
		req.Header.Set("X-Code", "503")
		req.Header.Set("X-Format", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 503 || !bytes.Contains(body, []byte(`"reference": "https://example.org/503/"`)) && len(args) > 3 ||
			!bytes.Contains(body, []byte(`"reason": "Service Unavailable"`)) {
			t.Errorf("%v: %d %s", args, resp.StatusCode, body)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		go io.Copy(io.Discard, stderr)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%v: after SIGTERM: %v, want exit 0", args, err)
			}
		case <-time.After(testenv.Deadline):
			cmd.Process.Kill()
			t.Fatalf("%v: still running after SIGTERM", args)
		}
	}
}
