package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestCaddyErrorPages runs Caddy with the README's ```caddyfile block as
// its Caddyfile, and checks the error pack it serves: every error page with
// its status, in the format the client's Accept asks for; the class page
// for a code without one; the snippet working for a site that only imports
// it; the pack's folder not reachable; the 502 page for a failing
// application; and, since the README says so, that what Go's HTTP server
// answers itself (an oversized header) does not get the pack.
func TestCaddyErrorPages(t *testing.T) {
	caddy := testenv.NeedTool(t, "caddy", "caddy", "/usr/bin/caddy")
	t.Parallel()
	out := serverSite(t)
	block := readmeBlock(t, "Caddy", "caddyfile")
	up := newUpstream(t)
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	site := substitute(t, block, "/srv/statusdocs", out, "127.0.0.1:8080", up.addr, "example.org {", "http://127.0.0.1:"+port+" {")

	// Caddy runs as one process: as root, start it as nobody, with a home
	// (its config and data folders) that nobody owns.
	home, err := os.MkdirTemp("", "statusdocs-caddy-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	if runningAsRoot() {
		if err := os.Chown(home, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	// Global options: no admin endpoint, listen on loopback only. A second
	// site has nothing but the snippet and errors of its own.
	caddyfile := fmt.Sprintf(`{
	admin off
	default_bind 127.0.0.1
}

%s
http://localhost:%s {
	error /teapot 418
	error 460
	import statusdocs_errors
}
`, site, port)
	path := filepath.Join(home, "Caddyfile")
	if err := os.WriteFile(path, []byte(caddyfile), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(caddy, "run", "--config", path, "--adapter", "caddyfile")
	cmd.Dir = home
	cmd.Env = append(os.Environ(),
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"),
	)
	if runningAsRoot() {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	// TERM: Caddy shuts its servers down, then exits.
	srv := startServer(t, "caddy", cmd, addr, t.TempDir(), syscall.SIGTERM)

	srv.checkAll(out, packExchanges(), nil)
	other := "localhost:" + port
	srv.checkAll(out, []exchange{
		// file_server: a folder without index.html is not found.
		{name: "folder without an index", path: "/api/", status: 404, file: "404.html"},
		{name: "other site, code with a page", host: other, path: "/teapot", status: 418, file: "418.html"},
		{name: "other site, code without a page", host: other, path: "/", status: 460, file: "4xx.html"},
		{name: "other site, code without a page, JSON", host: other, path: "/", header: map[string]string{"Accept": "application/json"}, status: 460, file: "4xx.json"},
		{name: "other site, code without a page, text", host: other, path: "/", header: map[string]string{"Accept": "text/plain"}, status: 460, file: "4xx.txt"},
		{name: "other site, pack asked for", host: other, path: "/errors/404.html", status: 404, file: "404.html"},
		// Go's server answers these itself, before Caddy's handlers.
		{name: "oversized header (Go's 431)", path: "/", header: map[string]string{"X-Big": strings.Repeat("a", 2<<20)}, status: 431, notFile: "431.html"},
	}, nil)
	srv.checkAll(out, upstreamExchanges("application closes the connection", 502), nil)
	up.kill()
	srv.checkAll(out, upstreamExchanges("application not running", 502), nil)
	srv.checkImmutable(hashedCSS(t, out))
}
