package main

// What the web-server tests (nginx_test.go, apache_test.go, caddy_test.go)
// share. Each copies its server's block from README.md, runs the real
// server with it on 127.0.0.1 as the server's Debian package runs it
// (workers as an unprivileged user), and checks what it answers: status,
// Content-Type and body, the body being the error pack's file.

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// serverBaseURL is the -base-url the README's server sections build with.
const serverBaseURL = "https://example.org/"

// serverSite builds the shipped site with -base-url into a folder that a
// server's workers, running as an unprivileged user, can read: one like
// /var/www, under a fresh folder of its own, since t.TempDir's folders are
// 0700. The output's own modes are what statusdocs made: no test changes
// them. It returns the output folder, which stands for /srv/statusdocs.
func serverSite(t *testing.T) string {
	t.Helper()
	www := filepath.Join(os.TempDir(), fmt.Sprintf("statusdocs-www-%d-%d", os.Getpid(), time.Now().UnixNano()))
	if err := os.Mkdir(www, 0o777); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(www) })
	cfg := shippedConfig(t)
	cfg.BaseURL = serverBaseURL
	cfg.HashAssets = true // as statusdocs build does
	cfg.Out = filepath.Join(www, "site")
	mustBuild(t, cfg)
	// What the README's "build with -base-url" is for: a link that works
	// from whatever URL failed.
	page, err := os.ReadFile(filepath.Join(cfg.Out, "errors", "404.html"))
	if err != nil {
		t.Fatal(err)
	}
	if ref := `href="` + serverBaseURL + `404/"`; !strings.Contains(string(page), ref) {
		t.Fatalf("errors/404.html has no %s", ref)
	}
	return cfg.Out
}

// readmeBlock returns the fenced block that a section of README.md
// (### heading) starts with, in the given language: the one block of that
// language in the README.
func readmeBlock(t *testing.T, heading, lang string) string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile("(?m)^```"+regexp.QuoteMeta(lang)+"$").FindAll(readme, -1)); n != 1 {
		t.Fatalf("README.md has %d ```%s blocks, want 1", n, lang)
	}
	m := regexp.MustCompile("(?ms)^### " + regexp.QuoteMeta(heading) + "\n\n```" + regexp.QuoteMeta(lang) + "\n(.*?)^```$").FindSubmatch(readme)
	if m == nil {
		t.Fatalf("README.md: section ### %s does not start with a ```%s block", heading, lang)
	}
	return string(m[1])
}

// substitute replaces, in a README block, each old string with its new
// one; each must occur, so that a changed block cannot go untested.
func substitute(t *testing.T, block string, oldnew ...string) string {
	t.Helper()
	for i := 0; i < len(oldnew); i += 2 {
		if !strings.Contains(block, oldnew[i]) {
			t.Fatalf("README block has no %q to replace:\n%s", oldnew[i], block)
		}
	}
	return strings.NewReplacer(oldnew...).Replace(block)
}

// packCodes returns the codes that have a page in the pack, in order.
func packCodes(t *testing.T, out string) []int {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(out, "errors", "[45][0-9][0-9].html"))
	if err != nil {
		t.Fatal(err)
	}
	var codes []int
	for _, n := range names {
		c, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(n), ".html"))
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	slices.Sort(codes)
	if len(codes) < 50 {
		t.Fatalf("%d pages in the pack", len(codes))
	}
	return codes
}

// codesIn returns the three-digit numbers in s, in order.
func codesIn(s string) []int {
	var codes []int
	for _, f := range regexp.MustCompile(`\b[1-5][0-9][0-9]\b`).FindAllString(s, -1) {
		c, _ := strconv.Atoi(f)
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// upstream is the application behind the server under test, and it fails:
// until kill, it reads each request and closes the connection without an
// answer (the server's 502); after kill nothing listens on its port
// (connection refused: the server's 502, or Apache's 503).
type upstream struct {
	addr string
	ln   net.Listener
	wg   sync.WaitGroup
	once sync.Once
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &upstream{addr: ln.Addr().String(), ln: ln}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u.wg.Add(1)
			go func() {
				defer u.wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(testenv.Deadline))
				r := bufio.NewReader(c)
				for { // the request's header, to its empty line
					line, err := r.ReadString('\n')
					if err != nil || line == "\r\n" {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(u.kill)
	return u
}

func (u *upstream) kill() {
	u.once.Do(func() { u.ln.Close(); u.wg.Wait() })
}

// server is a web server under test, listening at base.
type server struct {
	t      *testing.T
	name   string
	base   string // http://127.0.0.1:port
	client *http.Client
	logs   []string // files that say what the server did
}

// startServer starts cmd, a server that is to listen on addr, waits until
// it does, and stops it with stop when the test ends, failing the test if
// it does not stop or leaves a process behind. The server runs in a
// process group of its own, which its workers share: a worker left alive
// is found by that group's id. Its output goes to <name>.out.log in logDir; logs
// name more files worth showing when something fails.
func startServer(t *testing.T, name string, cmd *exec.Cmd, addr, logDir string, stop syscall.Signal, logs ...string) *server {
	t.Helper()
	outPath := filepath.Join(logDir, name+".out.log")
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close() // the child has its own copy
	cmd.Stdout, cmd.Stderr = out, out
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	s := &server{t: t, name: name, base: "http://" + addr, logs: append([]string{outPath}, logs...)}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
			t.Errorf("%s had stopped before the test ended: %v\n%s", name, waitErr, s.logText())
		default:
			cmd.Process.Signal(stop)
			select {
			case <-exited:
			case <-time.After(testenv.Deadline):
				t.Errorf("%s did not stop on %v within %v", name, stop, testenv.Deadline)
				syscall.Kill(-pgid, syscall.SIGKILL)
				<-exited
			}
		}
		// The master waits for its workers; none may outlive it.
		end := time.Now().Add(testenv.Deadline)
		for left := groupProcesses(pgid); len(left) > 0; left = groupProcesses(pgid) {
			if time.Now().After(end) {
				t.Errorf("%s left processes %v", name, left)
				syscall.Kill(-pgid, syscall.SIGKILL)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	end := time.Now().Add(testenv.Deadline)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("%s exited before listening on %s: %v\n%s", name, addr, waitErr, s.logText())
		default:
		}
		if time.Now().After(end) {
			t.Fatalf("%s does not listen on %s after %v\n%s", name, addr, testenv.Deadline, s.logText())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if runningAsRoot() {
		// Workers as an unprivileged user, as the server's package runs them.
		for !slices.ContainsFunc(groupProcesses(pgid), func(pid int) bool { return processUID(pid) == nobody }) {
			if time.Now().After(end) {
				t.Fatalf("%s runs no process as uid %d after %v\n%s", name, nobody, testenv.Deadline, s.logText())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Logf("%s listening on %s after %v", name, addr, time.Since(start).Round(time.Millisecond))
	s.client = &http.Client{
		Timeout:       testenv.Deadline,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t.Cleanup(s.client.CloseIdleConnections) // runs first: before the server stops
	return s
}

// groupProcesses returns the live (not zombie) processes of a process group.
func groupProcesses(pgid int) []int {
	dirs, _ := os.ReadDir("/proc")
	var pids []int
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) > 2 && f[0] != "Z" && f[2] == strconv.Itoa(pgid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// processUID returns the real uid a process runs as, or -1.
func processUID(pid int) int {
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "Uid:" {
			uid, err := strconv.Atoi(f[1])
			if err != nil {
				return -1
			}
			return uid
		}
	}
	return -1
}

func (s *server) logText() string {
	var b strings.Builder
	for _, p := range s.logs {
		data, _ := os.ReadFile(p)
		fmt.Fprintf(&b, "--- %s:\n%s\n", p, data)
	}
	return b.String()
}

// exchange is one request to a server under test and what must come back.
type exchange struct {
	name         string
	method, path string
	host         string            // the Host header, if not the address
	header       map[string]string // request header fields
	status       int
	file         string // the pack's file the body must be ("404.html"); or
	contains     string // what the body must contain
	notFile      string // the pack's file the body must not be
}

// Accept header fields as clients send them.
const (
	acceptBrowser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	acceptAxios   = "application/json, text/plain, */*"
)

// packExchanges are the requests every server is asked, their answers
// being the same: a missing page in each format by Accept, and the pack
// itself asked for directly.
func packExchanges() []exchange {
	return []exchange{
		{name: "missing page, browser", path: "/no/such/page/", header: map[string]string{"Accept": acceptBrowser}, status: 404, file: "404.html"},
		{name: "missing page, no Accept", path: "/no/such/page/", status: 404, file: "404.html"},
		{name: "missing page, curl", path: "/no/such/page/", header: map[string]string{"Accept": "*/*"}, status: 404, file: "404.html"},
		{name: "missing file", path: "/missing.css", status: 404, file: "404.html"},
		{name: "missing page, JSON", path: "/no/such/page/", header: map[string]string{"Accept": "application/json"}, status: 404, file: "404.json"},
		{name: "missing page, axios", path: "/no/such/page/", header: map[string]string{"Accept": acceptAxios}, status: 404, file: "404.json"},
		{name: "missing page, problem+json", path: "/no/such/page/", header: map[string]string{"Accept": "application/problem+json"}, status: 404, file: "404.json"},
		{name: "missing page, text", path: "/no/such/page/", header: map[string]string{"Accept": "text/plain"}, status: 404, file: "404.txt"},
		{name: "pack asked for", path: "/errors/404.html", status: 404, file: "404.html"},
		{name: "pack asked for, JSON", path: "/errors/500.json", header: map[string]string{"Accept": "application/json"}, status: 404, file: "404.json"},
		{name: "pack folder", path: "/errors/", status: 404, file: "404.html"},
		{name: "reference page", path: "/404/", status: 200, contains: "<title>404 Not Found"},
		{name: "JSON API", path: "/api/404.json", status: 200, contains: `"code": 404`},
	}
}

// upstreamExchanges ask for the proxied application, as a browser and as
// an API client, and want the pack's page for code.
func upstreamExchanges(what string, code int) []exchange {
	return []exchange{
		{name: what, path: "/app/orders", header: map[string]string{"Accept": acceptBrowser}, status: code, file: fmt.Sprintf("%d.html", code)},
		{name: what + ", JSON", path: "/app/orders", header: map[string]string{"Accept": "application/json"}, status: code, file: fmt.Sprintf("%d.json", code)},
	}
}

// contentTypes are what the pack's files must be served as.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".json": "application/json",
	".txt":  "text/plain; charset=utf-8",
}

// check makes the request of x and checks the answer against the pack in
// out. fill maps a string of the pack's files that the server replaces
// (a slot) to a regular expression for what it puts there.
func (s *server) check(out string, x exchange, fill map[string]string) {
	t := s.t
	t.Helper()
	method := x.method
	if method == "" {
		method = "GET"
	}
	req, err := http.NewRequest(method, s.base+x.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if x.host != "" {
		req.Host = x.host
	}
	for k, v := range x.header {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Errorf("%s: %s %s: %v\n%s", x.name, method, x.path, err, s.logText())
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Errorf("%s: %s %s: reading the body: %v", x.name, method, x.path, err)
		return
	}
	desc := fmt.Sprintf("%s: %s %s: %s", x.name, method, x.path, s.name)
	if resp.StatusCode != x.status {
		t.Errorf("%s answered %d, want %d (body %.200q)", desc, resp.StatusCode, x.status, body)
	}
	if x.contains != "" && !strings.Contains(string(body), x.contains) {
		t.Errorf("%s: body lacks %q: %.300q", desc, x.contains, body)
	}
	if x.notFile != "" {
		if want, _ := os.ReadFile(filepath.Join(out, "errors", x.notFile)); string(want) == string(body) {
			t.Errorf("%s: body is errors/%s", desc, x.notFile)
		}
	}
	if x.file == "" {
		return
	}
	if ct, want := resp.Header.Get("Content-Type"), contentTypes[filepath.Ext(x.file)]; ct != want {
		t.Errorf("%s: Content-Type %q, want %q", desc, ct, want)
	}
	if !slices.ContainsFunc(resp.Header.Values("Vary"), func(v string) bool {
		return slices.ContainsFunc(strings.Split(v, ","), func(f string) bool { return strings.EqualFold(strings.TrimSpace(f), "Accept") })
	}) {
		t.Errorf("%s: Vary %q, want Accept in it", desc, resp.Header.Values("Vary"))
	}
	want, err := os.ReadFile(filepath.Join(out, "errors", x.file))
	if err != nil {
		t.Fatal(err)
	}
	pattern, filled := regexp.QuoteMeta(string(want)), false
	for slot, re := range fill {
		if q := regexp.QuoteMeta(slot); strings.Contains(pattern, q) {
			pattern, filled = strings.Replace(pattern, q, re, 1), true
		}
	}
	if !filled {
		if string(body) != string(want) {
			t.Errorf("%s: body is not errors/%s: %s", desc, x.file, testenv.FirstDiff(string(want), string(body)))
		}
		return
	}
	if !regexp.MustCompile(`^(?s)` + pattern + `$`).Match(body) {
		t.Errorf("%s: body is not errors/%s with its slots filled: %s", desc, x.file, testenv.FirstDiff(string(want), string(body)))
	}
}

// checkAll runs check for each exchange.
func (s *server) checkAll(out string, xs []exchange, fill map[string]string) {
	s.t.Helper()
	for _, x := range xs {
		s.check(out, x, fill)
	}
}

// hashedCSS returns the site path of the hashed stylesheet.
func hashedCSS(t *testing.T, out string) string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(out, "style.*.css"))
	if len(names) != 1 {
		t.Fatalf("stylesheets %v, want one style.<hash>.css", names)
	}
	return "/" + filepath.Base(names[0])
}

// checkImmutable checks that a hashed asset is served to be cached forever.
func (s *server) checkImmutable(path string) {
	t := s.t
	t.Helper()
	resp, err := s.client.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || cc != "public, max-age=31536000, immutable" {
		t.Errorf("GET %s: %s answered %d with Cache-Control %q, want 200 with public, max-age=31536000, immutable", path, s.name, resp.StatusCode, cc)
	}
}

// runningAsRoot reports whether servers start as root and so must be
// told to run their workers as an unprivileged user (nobody, nogroup).
func runningAsRoot() bool { return os.Geteuid() == 0 }

// nobody is the uid and gid of nobody and nogroup on Debian.
const nobody = 65534

// readAllString reads and closes a response's body.
func readAllString(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
