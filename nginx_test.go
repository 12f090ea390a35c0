package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/statusdocs/statusdocs/internal/site"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestNginxErrorPages starts nginx with the README's ```nginx block, in a
// server block of an http block like Debian's, and checks the error pack
// it serves: every error page with its status, in the format the client's
// Accept asks for, with the request-id and time slots filled; the pack's
// folder not reachable; the 502 page for a failing application; and that
// the block names every code the pack has.
func TestNginxErrorPages(t *testing.T) {
	nginx := testenv.NeedTool(t, "nginx", "nginx", "/usr/sbin/nginx")
	t.Parallel()
	out := serverSite(t)
	block := readmeBlock(t, "nginx", "nginx")

	// nginx has no catch-all error_page: the block lists the pack's codes,
	// but for 499 (nginx refuses it) and 444 (nginx answers nothing).
	m := regexp.MustCompile(`(?s)\berror_page\s+([0-9\s]+?)\s+/errors/\$status;`).FindStringSubmatch(block)
	if m == nil {
		t.Fatal("README's nginx block has no error_page … /errors/$status;")
	}
	want := slices.DeleteFunc(packCodes(t, out), func(c int) bool { return c == 444 || c == 499 })
	if got := codesIn(m[1]); !slices.Equal(got, want) {
		t.Errorf("README's nginx error_page lists\n%v\nwant the pack's codes but 444 and 499:\n%v", got, want)
	}

	up := newUpstream(t)
	snippet := substitute(t, block, "/srv/statusdocs", out, "127.0.0.1:8080", up.addr)
	addr := freeAddr(t)
	dir := t.TempDir()
	user := ""
	if runningAsRoot() {
		user = "user nobody nogroup;" // as root, nginx's master starts its workers as this user
	}
	// The http block is Debian's /etc/nginx/nginx.conf, less its logs and
	// TLS settings; the snippet goes in a server block as in sites-enabled.
	mimeTypes := "/etc/nginx/mime.types"
	if _, err := os.Stat(mimeTypes); err != nil {
		mimeTypes = filepath.Join(filepath.Dir(filepath.Dir(nginx)), "conf", "mime.types") // a build from source
	}
	conf := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events {}
http {
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  include %[5]s;
  default_type application/octet-stream;
  gzip on;
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
`, user, dir, addr, snippet, mimeTypes)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginx, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	// TERM makes nginx's master stop its workers, then itself.
	srv := startServer(t, "nginx", cmd, addr, dir, syscall.SIGTERM, filepath.Join(dir, "error.log"))

	// The slots nginx fills: a request id of 32 hex digits, in the page and
	// in the JSON, and the local time in ISO 8601.
	fill := map[string]string{
		site.SlotRequestID:   `[0-9a-f]{32}`,
		`"request_id": null`: `"request_id": "[0-9a-f]{32}"`,
		site.SlotTime:        `[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}`,
	}
	srv.checkAll(out, packExchanges(), fill)
	srv.checkAll(out, []exchange{
		{name: "folder without an index", path: "/api/", status: 403, file: "403.html"},
		{name: "POST to a file", method: "POST", path: "/index.html", status: 405, file: "405.html"},
		{name: "POST to a file, JSON", method: "POST", path: "/index.html", header: map[string]string{"Accept": "application/json"}, status: 405, file: "405.json"},
		// 494 Request Header Too Large, which nginx sends as 400.
		{name: "oversized header", path: "/", header: map[string]string{"X-Big": strings.Repeat("a", 9000)}, status: 400, file: "400.html"},
		{name: "oversized URL", path: "/" + strings.Repeat("a", 9000), status: 414, file: "414.html"},
	}, fill)
	srv.checkAll(out, upstreamExchanges("application closes the connection", 502), fill)
	up.kill()
	srv.checkAll(out, upstreamExchanges("application not running", 502), fill)
	srv.checkImmutable(hashedCSS(t, out))

	// The page a visitor sees shows its request id, one per request.
	ids := map[string]bool{}
	for range 3 {
		resp, err := srv.client.Get(srv.base + "/no/such/page/")
		if err != nil {
			t.Fatal(err)
		}
		page := readAllString(t, resp)
		id := regexp.MustCompile(`Request ID: <span class="v">([0-9a-f]{32})</span>`).FindStringSubmatch(page)
		if id == nil {
			t.Fatalf("404 page shows no request id:\n%s", page)
		}
		ids[id[1]] = true
	}
	if len(ids) != 3 {
		t.Errorf("three requests showed request ids %v, want three different ones", ids)
	}
}
