package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestNginxErrorPages starts nginx with the README's snippet and checks that
// a missing file and a forbidden folder get our error pages.
func TestNginxErrorPages(t *testing.T) {
	nginx := testenv.NeedTool(t, "nginx", "nginx", "/usr/sbin/nginx")
	t.Parallel()
	cfg := shippedConfig(t)
	// Serve as a host does: from a folder like /var/www (0755), readable by
	// nginx's workers, which run as an unprivileged user, as Debian's
	// package runs them. The output's own modes are what statusdocs made:
	// no test changes them.
	www := filepath.Join(os.TempDir(), fmt.Sprintf("statusdocs-www-%d-%d", os.Getpid(), time.Now().UnixNano()))
	if err := os.Mkdir(www, 0o777); err != nil { // t.TempDir's folders are 0700
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(www) })
	cfg.Out = filepath.Join(www, "site")
	mustBuild(t, cfg)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```nginx\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```nginx block")
	}
	snippet := strings.ReplaceAll(string(m[1]), "/srv/statusdocs", cfg.Out)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	user := ""
	if os.Geteuid() == 0 {
		user = "user nobody nogroup;" // as root, nginx's master starts its workers as this user
	}
	conf := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events {}
http {
  access_log off;
  client_body_temp_path %[2]s/body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  server {
    listen %[3]s;
%[4]s
  }
}
`, user, dir, addr, snippet)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, nginx, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	// TERM makes nginx stop its workers too; a killed master would leave
	// them holding the output pipe.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	client := &http.Client{Timeout: 5 * time.Second}
	get := func(path string) (int, string) {
		var err error
		for range 50 {
			var resp *http.Response
			resp, err = client.Get("http://" + addr + path)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(b)
			}
			time.Sleep(100 * time.Millisecond)
		}
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		t.Fatalf("GET %s: %v\nnginx: %s\n%s", path, err, out, log)
		return 0, ""
	}
	for _, tt := range []struct {
		path string
		code int
	}{
		{"/no/such/page/", 404},
		{"/missing.css", 404},
		{"/api/", 403}, // a folder without index.html
	} {
		code, body := get(tt.path)
		want, err := os.ReadFile(filepath.Join(cfg.Out, "errors", fmt.Sprintf("%d.html", tt.code)))
		if err != nil {
			t.Fatal(err)
		}
		if code != tt.code || body != string(want) {
			t.Errorf("GET %s = %d with %d bytes, want %d with errors/%d.html", tt.path, code, len(body), tt.code, tt.code)
		}
	}
	if code, _ := get("/errors/404.html"); code != 404 {
		t.Errorf("GET /errors/404.html = %d, want 404 (internal)", code)
	}
	if code, body := get("/404/"); code != 200 || !strings.Contains(body, "Not Found") {
		t.Errorf("GET /404/ = %d", code)
	}
}
