package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

const modulePath = "github.com/statusdocs/statusdocs"

// TestGoInstall does what a user's "go install
// github.com/statusdocs/statusdocs@latest" does, without the network: it
// packs this module as the module proxy would serve it (the files of the
// working tree that git does not ignore, checked by golang.org/x/mod/zip,
// which leaves some out), serves that from a file-based proxy beside the
// module cache's own downloads, installs from there, and runs the
// installed program from a folder far from the repository. The program
// must print its version, build the embedded site exactly as the
// repository's folders build, and keep its highlight cache in the user
// cache folder: written once, not rewritten by a build that found every
// block there, and rebuilt when corrupt.
func TestGoInstall(t *testing.T) {
	t.Parallel()
	goCmd := goTool(t)
	work := t.TempDir()
	files := moduleFiles(t)

	// Every file the site is made of, and every Go file, must be in the
	// module zip: go:embed of a folder would silently lack what is left out.
	checked, err := modzip.CheckFiles(files)
	if err != nil {
		t.Fatalf("the module cannot be zipped: %v", err)
	}
	for _, f := range checked.Omitted {
		if strings.HasSuffix(f.Path, ".go") || strings.HasPrefix(f.Path, "content/") || strings.HasPrefix(f.Path, "layouts/") || strings.HasPrefix(f.Path, "static/") {
			t.Errorf("the module zip leaves out %s: %v", f.Path, f.Err)
		}
	}

	// A version of its own, unique to this run, and removed from the module
	// cache after: the install shares the cache with the rest of the tests,
	// so the dependencies' compiled packages are reused (they are keyed by
	// their folders) and installing takes seconds, not a minute.
	var rnd [6]byte
	rand.Read(rnd[:])
	version := "v0.0.0-" + time.Now().UTC().Format("20060102150405") + "-" + hex.EncodeToString(rnd[:])
	modCache := strings.TrimSpace(runGo(t, goCmd, nil, "env", "GOMODCACHE"))
	t.Cleanup(func() { removeFromModCache(t, modCache, version) })

	proxy := filepath.Join(work, "proxy")
	dir := filepath.Join(proxy, filepath.FromSlash(modulePath), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var zipBuf bytes.Buffer
	if err := modzip.Create(&zipBuf, module.Version{Path: modulePath, Version: version}, files); err != nil {
		t.Fatal(err)
	}
	goMod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	info, _ := json.Marshal(map[string]any{"Version": version, "Time": time.Now().UTC().Format(time.RFC3339)})
	for name, data := range map[string][]byte{
		"list": []byte(version + "\n"), version + ".info": info, version + ".mod": goMod, version + ".zip": zipBuf.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(work, "bin")
	env := []string{
		"GOPROXY=file://" + filepath.ToSlash(proxy) + ",file://" + filepath.ToSlash(filepath.Join(modCache, "cache", "download")),
		"GOFLAGS=-mod=mod",
		"GONOSUMDB=" + modulePath, // ours is in no checksum database; go.sum vouches for the rest
		"GOSUMDB=off",             // nothing may reach the network
		"GOTOOLCHAIN=local",
		"GOBIN=" + bin,
	}
	runGo(t, goCmd, env, "install", modulePath+"@"+version)
	statusdocs := filepath.Join(bin, "statusdocs"+exeSuffix())

	// Far from the repository, as a user would run it.
	home := filepath.Join(work, "home")
	elsewhere := filepath.Join(work, "elsewhere")
	os.MkdirAll(elsewhere, 0o755)
	userEnv := []string{"HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "LocalAppData=" + filepath.Join(home, "AppData")}
	prog := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(statusdocs, args...)
		cmd.Dir = elsewhere
		cmd.Env = append(os.Environ(), userEnv...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("statusdocs %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	for _, args := range [][]string{{"version"}, {"-version"}} {
		if got := prog(args...); !strings.HasPrefix(got, "statusdocs "+version+" (go") {
			t.Errorf("statusdocs %s = %q, want the version %s", args[0], got, version)
		}
	}

	ref := shippedConfig(t)
	ref.HashAssets = true
	mustBuild(t, ref)
	want := testenv.ReadTree(t, ref.Out)
	build := func(name string) map[string]string {
		t.Helper()
		out := filepath.Join(work, name)
		if got := prog("build", "-out", out); !regexp.MustCompile(`^built 204 pages in 2 languages and \d+ static files in \S+ into `).MatchString(got) {
			t.Errorf("build printed %q", got)
		}
		got := testenv.ReadTree(t, out)
		if len(got) != len(want) {
			t.Errorf("the installed program wrote %d files, the repository's folders build %d", len(got), len(want))
		}
		for f, data := range want {
			if got[f] != data {
				t.Errorf("%s: %s differs from the build of the repository's folders", name, f)
			}
		}
		return got
	}
	build("site")
	caches, _ := filepath.Glob(filepath.Join(home, ".cache", "statusdocs", "highlight-*.cache"))
	if len(caches) != 1 {
		t.Fatalf("highlight cache files in the user cache folder: %v, want one", caches)
	}
	before, _ := os.Stat(caches[0])
	build("warm")
	if after, _ := os.Stat(caches[0]); !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("a build with every block cached rewrote the cache")
	}
	data, _ := os.ReadFile(caches[0])
	data[len(data)/2] ^= 0xff
	os.WriteFile(caches[0], data, 0o600)
	build("corrupt")
	if fixed, _ := os.ReadFile(caches[0]); bytes.Equal(fixed, data) {
		t.Error("a corrupt cache was not rebuilt")
	}
	if got := prog("build", "-no-cache", "-out", filepath.Join(work, "no-cache")); !strings.HasPrefix(got, "built 204 pages in 2 languages") {
		t.Errorf("build -no-cache printed %q", got)
	}
}

// goTool returns the go command that runs this test.
func goTool(t *testing.T) string {
	t.Helper()
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"+exeSuffix()); fileExists(p) {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("skipping: no go command")
	}
	return p
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// runGo runs the go command with env added and returns its output.
func runGo(t *testing.T, goCmd string, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir() // outside this module, as a user's go install runs
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// removeFromModCache removes what installing version put in the module
// cache: the extracted module (read-only, as the go command leaves it) and
// its downloads.
func removeFromModCache(t *testing.T, modCache, version string) {
	extracted := filepath.Join(modCache, filepath.FromSlash(modulePath)+"@"+version)
	filepath.WalkDir(extracted, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	if err := os.RemoveAll(extracted); err != nil {
		t.Errorf("cleaning the module cache: %v", err)
	}
	downloads, _ := filepath.Glob(filepath.Join(modCache, "cache", "download", filepath.FromSlash(modulePath), "@v", version+".*"))
	for _, p := range downloads {
		os.Remove(p)
	}
}

// moduleFiles returns the files of the module as a release would hold
// them: those git tracks or would track (not ignored), as they are in the
// working tree, or, outside a git checkout, every file but the output.
func moduleFiles(t *testing.T) []modzip.File {
	t.Helper()
	var names []string
	out, err := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err == nil {
		for _, name := range strings.Split(string(out), "\x00") {
			if name != "" && fileExists(name) {
				names = append(names, name)
			}
		}
	} else {
		err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && (p == "build" || p == ".git"):
				return fs.SkipDir
			case d.Type().IsRegular():
				names = append(names, filepath.ToSlash(p))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(names) == 0 {
		t.Fatal("no files in the module")
	}
	files := make([]modzip.File, len(names))
	for i, name := range names {
		files[i] = diskFile(name)
	}
	return files
}

// diskFile is a file of the working tree, for modzip.
type diskFile string

func (f diskFile) Path() string                 { return string(f) }
func (f diskFile) Lstat() (os.FileInfo, error)  { return os.Lstat(filepath.FromSlash(string(f))) }
func (f diskFile) Open() (io.ReadCloser, error) { return os.Open(filepath.FromSlash(string(f))) }

// TestVersionRevision builds the program from this checkout, as "go build"
// does for a developer, and checks that "statusdocs version" names the
// commit it was built from, which the go command records from git.
func TestVersionRevision(t *testing.T) {
	t.Parallel()
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("skipping: not a git checkout")
	}
	goCmd := goTool(t)
	bin := filepath.Join(t.TempDir(), "statusdocs"+exeSuffix())
	cmd := exec.Command(goCmd, "build", "-buildvcs=true", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	// The go command names such a build by a pseudo-version made from the
	// commit ("v0.0.0-20261201221225-61d80889ca3c", "+dirty" with local
	// changes).
	want := regexp.MustCompile(`^statusdocs v\S+, revision ` + strings.TrimSpace(string(head)) + `, \d{4}-\d\d-\d\dT[0-9:]+Z(, with local changes)? \(` + regexp.QuoteMeta(runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH) + `\)\n$`)
	if !want.Match(out) {
		t.Errorf("statusdocs version = %q, want a match for %s", out, want)
	}
}
