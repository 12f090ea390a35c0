//go:build unix

package main

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestWriteSyntheticSite writes a synthetic content folder to disk for
// timing the whole program (see README, Performance). It runs only when
// STATUSDOCS_SYNTH_DIR is set; STATUSDOCS_SYNTH_PAGES sets the count, and
// STATUSDOCS_SYNTH_HUGO a folder for the same pages as a Hugo site.
func TestWriteSyntheticSite(t *testing.T) {
	dir := os.Getenv("STATUSDOCS_SYNTH_DIR")
	if dir == "" {
		t.Skip("set STATUSDOCS_SYNTH_DIR (and STATUSDOCS_SYNTH_PAGES) to write a synthetic site")
	}
	n, _ := strconv.Atoi(os.Getenv("STATUSDOCS_SYNTH_PAGES"))
	if n <= 0 {
		n = 100
	}
	files := map[string][]byte{}
	for name, f := range testenv.SyntheticContent(n) {
		files[filepath.Join(dir, filepath.FromSlash(name))] = f.Data
	}
	if hugo := os.Getenv("STATUSDOCS_SYNTH_HUGO"); hugo != "" {
		// The same pages as a Hugo site with minimal layouts, the issue's
		// yardstick: hugo --quiet -d OUT in that folder builds it.
		for name, f := range testenv.SyntheticContent(n) {
			files[filepath.Join(hugo, "content", filepath.FromSlash(name))] = f.Data
		}
		for name, data := range hugoSiteFiles {
			files[filepath.Join(hugo, filepath.FromSlash(name))] = []byte(data)
		}
	}
	for p, data := range files {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// hugoSiteFiles are the configuration and minimal layouts of the Hugo
// site TestWriteSyntheticSite writes.
var hugoSiteFiles = map[string]string{
	"hugo.toml": "baseURL = \"https://example.org/\"\ntitle = \"Synthetic\"\ndisableKinds = [\"taxonomy\", \"term\"]\n",
	"layouts/_default/baseof.html": `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
`,
	"layouts/_default/single.html": `{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Summary }}</p>{{ .Content }}{{ end }}
`,
	"layouts/_default/list.html": `{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
`,
}

// TestCompareBuilds times whole-process builds of two or more statusdocs
// binaries, alternated run by run so all see the same state of a noisy
// machine, and reports each one's median wall and CPU time, the ratios
// and the median peak memory. It runs only when asked:
//
//	STATUSDOCS_COMPARE="/tmp/old /tmp/new" STATUSDOCS_COMPARE_CONTENT=/tmp/syn100 \
//	  STATUSDOCS_COMPARE_RUNS=15 go test -run TestCompareBuilds -v .
//
// With a ";" in STATUSDOCS_COMPARE, each part is a binary and flags to add
// to its build command: "/tmp/new -no-cache; /tmp/new" compares a cold
// build with one whose highlight cache the first (dropped) round filled.
//
// Outputs go to a fresh folder each run and old ones are moved aside, not
// deleted, until the end (see benchBuilds in internal/site for why); STATUSDOCS_BENCH_DIR
// puts them on a tmpfs. It reports CPU time (user and system) too, which
// drifts less than wall time on a shared machine. With
// STATUSDOCS_COMPARE_HUGO set to the Hugo site TestWriteSyntheticSite
// writes, Hugo takes part too, first, and the ratios are against it:
//
//	STATUSDOCS_SYNTH_DIR=/tmp/syn100 STATUSDOCS_SYNTH_HUGO=/tmp/hugo100 go test -run TestWriteSyntheticSite .
//	STATUSDOCS_COMPARE=/tmp/statusdocs STATUSDOCS_COMPARE_CONTENT=/tmp/syn100 \
//	  STATUSDOCS_COMPARE_HUGO=/tmp/hugo100 go test -run TestCompareBuilds -v .
func TestCompareBuilds(t *testing.T) {
	var cmds [][]string // binary, then flags
	if spec := os.Getenv("STATUSDOCS_COMPARE"); strings.Contains(spec, ";") {
		for part := range strings.SplitSeq(spec, ";") {
			if f := strings.Fields(part); len(f) > 0 {
				cmds = append(cmds, f)
			}
		}
	} else {
		for _, bin := range strings.Fields(spec) {
			cmds = append(cmds, []string{bin})
		}
	}
	if len(cmds) == 0 {
		t.Skip("set STATUSDOCS_COMPARE to two or more statusdocs binaries to compare")
	}
	content := os.Getenv("STATUSDOCS_COMPARE_CONTENT")
	if content == "" {
		content = "content"
	}
	runs, _ := strconv.Atoi(os.Getenv("STATUSDOCS_COMPARE_RUNS"))
	if runs <= 0 {
		runs = 10
	}
	work := t.TempDir()
	if dir := os.Getenv("STATUSDOCS_BENCH_DIR"); dir != "" {
		// As in internal/site's benchBuilds: tmpfs leaves only the program's own work.
		tmp, err := os.MkdirTemp(dir, "statusdocs-compare-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	// A Hugo site (STATUSDOCS_COMPARE_HUGO, written by TestWriteSyntheticSite
	// with STATUSDOCS_SYNTH_HUGO) is built first in each round, with the hugo
	// on PATH or STATUSDOCS_HUGO, and the ratios are then against it.
	hugoSite := os.Getenv("STATUSDOCS_COMPARE_HUGO")
	hugo := cmp.Or(os.Getenv("STATUSDOCS_HUGO"), "hugo")
	if hugoSite != "" {
		cmds = append([][]string{{hugo}}, cmds...)
	}
	times := make([][]time.Duration, len(cmds))
	cpu := make([][]time.Duration, len(cmds)) // user + system: less noisy than wall time
	rss := make([][]time.Duration, len(cmds)) // peak memory in KB, as durations to share median
	for r := 0; r <= runs; r++ {              // round 0 warms the caches and is dropped
		for i, c := range cmds {
			out := filepath.Join(work, fmt.Sprintf("out-%d-%d", r, i))
			env := c
			for len(c) > 1 && strings.Contains(c[0], "=") {
				c = c[1:]
			}
			args := append([]string{"build", "-content", content, "-layouts", "layouts", "-static", "static", "-out", out}, c[1:]...)
			cmd := exec.Command(c[0], args...)
			cmd.Env = append(os.Environ(), env[:len(env)-len(c)]...)
			if hugoSite != "" && i == 0 {
				cmd = exec.Command(c[0], "--quiet", "-d", out)
				cmd.Dir = hugoSite
			}
			start := time.Now()
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", c, err, msg)
			}
			if r > 0 {
				times[i] = append(times[i], time.Since(start))
				cpu[i] = append(cpu[i], cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					rss[i] = append(rss[i], time.Duration(ru.Maxrss))
				}
			}
		}
	}
	base, baseCPU := median(times[0]), median(cpu[0])
	for i, c := range cmds {
		m, cp := median(times[i]), median(cpu[i])
		var peak time.Duration
		if len(rss[i]) > 0 {
			peak = median(rss[i])
		}
		t.Logf("%-30s median %8.1f ms  ratio %.2f   CPU %8.1f ms  ratio %.2f   peak %6.1f MB", strings.Join(c, " "),
			float64(m.Microseconds())/1000, float64(m)/float64(base), float64(cp.Microseconds())/1000, float64(cp)/float64(baseCPU), float64(peak)/1024)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
