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

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// apacheModules are the modules TestApacheErrorPages loads: mpm_event and
// those of Debian's default set that the README's block uses (alias,
// authz_core, dir, mime, and autoindex, which makes a folder without an
// index a 403), and the four the README says to enable.
var apacheModules = []string{
	"mpm_event", "authz_core", "alias", "dir", "mime", "autoindex",
	"rewrite", "headers", "proxy", "proxy_http",
}

// TestApacheErrorPages starts Apache httpd with the README's ```apache
// block in a <VirtualHost>, under a minimal apache2.conf, and checks the
// error pack it serves: every error page with its status, in the format
// the client's Accept asks for; the pack's folder not reachable; the 502
// and 503 pages for a failing application; and that the block names every
// code of the pack that httpd accepts an ErrorDocument for.
func TestApacheErrorPages(t *testing.T) {
	apache := testenv.NeedTool(t, "apache2", "apache2", "/usr/sbin/apache2")
	t.Parallel()
	out := serverSite(t)
	block := readmeBlock(t, "Apache httpd", "apache")
	modules := "/usr/lib/apache2/modules"
	var loads strings.Builder
	for _, m := range apacheModules {
		so := filepath.Join(modules, "mod_"+m+".so")
		if _, err := os.Stat(so); err != nil {
			t.Fatalf("%v (Debian's apache2 has every module of apacheModules)", err)
		}
		fmt.Fprintf(&loads, "LoadModule %s_module %s\n", m, so)
	}
	dir := t.TempDir()

	var listed []int
	for _, m := range regexp.MustCompile(`(?m)^ErrorDocument ([0-9]{3}) /errors/([0-9]{3})$`).FindAllStringSubmatch(block, -1) {
		if m[1] != m[2] {
			t.Errorf("README's apache block: %s", m[0])
		}
		listed = append(listed, codesIn(m[1])...)
	}
	t.Run("codes", func(t *testing.T) {
		// Every listed code has a page, and every code of the pack that is
		// not listed is one httpd refuses an ErrorDocument for.
		if n := len(regexp.MustCompile(`(?m)^\s*ErrorDocument\b`).FindAllString(block, -1)); n != len(listed) {
			t.Errorf("README's apache block has %d ErrorDocument lines, %d of them of the form ErrorDocument 404 /errors/404", n, len(listed))
		}
		if !slices.IsSorted(listed) || len(slices.Compact(slices.Clone(listed))) != len(listed) {
			t.Errorf("README's apache block lists %v, want each code once, in order", listed)
		}
		pack := packCodes(t, out)
		for _, c := range listed {
			if !slices.Contains(pack, c) {
				t.Errorf("README's apache block lists %d, which has no page", c)
			}
		}
		for _, c := range pack {
			if slices.Contains(listed, c) {
				continue
			}
			conf := filepath.Join(dir, fmt.Sprintf("refuse-%d.conf", c))
			text := fmt.Sprintf("ServerRoot %s\nServerName 127.0.0.1\nLoadModule mpm_event_module %s/mod_mpm_event.so\nErrorDocument %d /errors/%d\n", dir, modules, c, c)
			if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			msg, err := exec.Command(apache, "-t", "-f", conf).CombinedOutput()
			if err == nil || !strings.Contains(string(msg), fmt.Sprintf("Unsupported HTTP response code %d", c)) {
				t.Errorf("README's apache block lacks ErrorDocument %d, which httpd accepts (apache2 -t: %v, %s)", c, err, msg)
			}
		}
	})

	up := newUpstream(t)
	snippet := substitute(t, block, "/srv/statusdocs", out, "127.0.0.1:8080", up.addr)
	addr := freeAddr(t)
	user := ""
	if runningAsRoot() {
		user = "User nobody\nGroup nogroup\n" // as root, httpd starts its children as these
	}
	errorLog := filepath.Join(dir, "error.log")
	conf := fmt.Sprintf(`ServerRoot %[1]s
DefaultRuntimeDir %[1]s
PidFile %[1]s/httpd.pid
ErrorLog %[2]s
LogLevel warn
%[3]s%[4]s
ServerName 127.0.0.1
StartServers 1
ServerLimit 2
ThreadsPerChild 8
MaxRequestWorkers 16
MinSpareThreads 1
MaxSpareThreads 16
TypesConfig /etc/mime.types
<Directory />
    AllowOverride None
    Require all denied
</Directory>
Listen %[5]s
<VirtualHost %[5]s>
%[6]s
</VirtualHost>
`, dir, errorLog, loads.String(), user, addr, snippet)
	confPath := filepath.Join(dir, "apache2.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	// In the foreground, as systemd runs Debian's; TERM makes the parent
	// stop its children, then itself.
	cmd := exec.Command(apache, "-f", confPath, "-DFOREGROUND")
	srv := startServer(t, "apache2", cmd, addr, dir, syscall.SIGTERM, errorLog)

	srv.checkAll(out, packExchanges(), nil)
	srv.checkAll(out, []exchange{
		{name: "folder without an index", path: "/api/", status: 403, file: "403.html"},
		{name: "PUT to a file", method: "PUT", path: "/index.html", status: 405, file: "405.html"},
		{name: "PUT to a file, JSON", method: "PUT", path: "/index.html", header: map[string]string{"Accept": "application/json"}, status: 405, file: "405.json"},
		{name: "unknown method", method: "BREW", path: "/", status: 501, file: "501.html"},
		{name: "oversized header", path: "/", header: map[string]string{"X-Big": strings.Repeat("a", 9000)}, status: 400, file: "400.html"},
		{name: "oversized URL", path: "/" + strings.Repeat("a", 9000), status: 414, file: "414.html"},
	}, nil)
	srv.checkAll(out, upstreamExchanges("application closes the connection", 502), nil)
	up.kill()
	// httpd says 503 Service Unavailable when it cannot connect.
	srv.checkAll(out, upstreamExchanges("application not running", 503), nil)
	srv.checkImmutable(hashedCSS(t, out))
	if log, _ := os.ReadFile(errorLog); strings.Contains(string(log), ":warn]") {
		t.Errorf("httpd warned:\n%s", log)
	}
}
