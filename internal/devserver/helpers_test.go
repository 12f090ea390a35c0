package devserver

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/statusdocs/statusdocs/internal/site"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// fixtureConfig returns a config of the fixture content with the shipped
// layouts and static files, all MapFSs a test may change, building into a
// new temporary folder.
func fixtureConfig(t testing.TB) *site.Config {
	t.Helper()
	return &site.Config{
		Content: site.Source{FS: testenv.MapFS(t, testenv.Repo(t, "testdata/site/content")), Name: "content"},
		Layouts: site.Source{FS: testenv.MapFS(t, testenv.Repo(t, "layouts")), Name: "layouts"},
		Static:  site.Source{FS: testenv.MapFS(t, testenv.Repo(t, "static")), Name: "static"},
		Out:     filepath.Join(t.TempDir(), "out"),
	}
}

func mustBuild(t testing.TB, cfg *site.Config) {
	t.Helper()
	if _, err := site.Build(context.Background(), cfg); err != nil {
		t.Fatalf("Build: %v", err)
	}
}

// cloneConfig returns a config over copies of cfg's MapFS sources.
func cloneConfig(cfg *site.Config) *site.Config {
	clone := func(src site.Source) site.Source {
		m := fstest.MapFS{}
		for name, f := range src.FS.(fstest.MapFS) {
			m[name] = &fstest.MapFile{Data: f.Data}
		}
		src.FS = m
		return src
	}
	return &site.Config{Content: clone(cfg.Content), Layouts: clone(cfg.Layouts), Static: clone(cfg.Static)}
}

// devFixture returns a dev server over the fixture site (a MapFS the test
// may change, then call rebuildNow), built once.
func devFixture(t testing.TB, opts Options) (*Server, fstest.MapFS, *testenv.SyncBuffer) {
	t.Helper()
	cfg := fixtureConfig(t)
	logs := &testenv.SyncBuffer{}
	s := New(cfg, opts, logs)
	if res := s.rebuildNow(context.Background(), nil); res.err != nil {
		t.Fatalf("first build: %v", res.err)
	}
	return s, cfg.Content.FS.(fstest.MapFS), logs
}

// setFile writes one file of a MapFS.
func setFile(m fstest.MapFS, name, data string) {
	m[name] = &fstest.MapFile{Data: []byte(data)}
}

// appendFile returns a MapFS file's bytes with text added.
func appendFile(m fstest.MapFS, name, text string) string {
	return string(m[name].Data) + text
}

// get asks h for target and returns the response and its body.
func get(t testing.TB, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// diskFixture copies the fixture site (content, layouts, static) into a
// new folder, for tests that need real files, and returns its config.
func diskFixture(t testing.TB) (*site.Config, string) {
	t.Helper()
	return diskSite(t, "testdata/site/content")
}

// diskSite copies a content folder (a slash path in the repository) and the shipped layouts and static
// files into a new folder and returns a config reading them from there.
func diskSite(t testing.TB, content string) (*site.Config, string) {
	t.Helper()
	root := t.TempDir()
	for _, src := range []struct{ from, to string }{
		{content, "content"}, {"layouts", "layouts"}, {"static", "static"},
	} {
		for name, f := range testenv.MapFS(t, testenv.Repo(t, src.from)) {
			p := filepath.Join(root, src.to, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	source := func(name string) site.Source {
		dir := filepath.Join(root, name)
		return site.Source{FS: os.DirFS(dir), Name: name, Dir: dir}
	}
	return &site.Config{Content: source("content"), Layouts: source("layouts"), Static: source("static")}, root
}

// startServe runs s.serve on a loopback port until the test ends, and
// returns the site's base URL once the first build is served.
func startServe(t testing.TB, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(testenv.Deadline):
			t.Errorf("serve did not return %v after cancel", testenv.Deadline)
		}
	})
	testenv.WaitFor(t, "the first build", func() bool { return s.builds.Load() >= 1 })
	return "http://" + ln.Addr().String()
}
