// Statusdocs turns a folder of Markdown pages, one per HTTP status code, and
// Go html/template layouts into a static reference website: a home page with
// every code at a glance, a page per class and per code, and client-side
// search.
//
// Usage:
//
//	statusdocs build [flags]   write the site to build/
//	statusdocs serve [flags]   serve it with live reload while you edit
//
// The content, layouts and static folders shipped with the program are
// embedded in it, so a lone binary builds the full site anywhere; folders
// of those names on disk take precedence.
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
)

// embedded holds the site shipped in the repository. The all: prefix keeps
// files whose names start with "_" (the _index.md pages).
//
//go:embed all:content all:layouts all:static
var embedded embed.FS

func main() {
	log.SetPrefix("statusdocs: ")
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if path := os.Getenv("STATUSDOCS_CPUPROFILE"); path != "" {
		// Profiles the whole process, start-up included, which benchmarks
		// inside one test process cannot show.
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if errors.Is(err, errUsage) {
		os.Exit(2)
	}
	if err != nil {
		log.SetPrefix("")
		log.Print(err)
		os.Exit(1)
	}
}

// errUsage means the command line was wrong; usage was printed already.
var errUsage = errors.New("usage")

const usageText = `usage: statusdocs <command> [flags]

Commands:
  build   write the site to a folder (default build/)
  serve   serve the site with live reload while you edit

Run "statusdocs <command> -h" for the flags of a command.
`

// run is the whole program, with its streams passed in so tests can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	top := flag.NewFlagSet("statusdocs", flag.ContinueOnError)
	top.SetOutput(stderr)
	top.Usage = func() { fmt.Fprint(stderr, usageText) }
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if top.NArg() == 0 {
		top.Usage()
		return errUsage
	}
	switch cmd, rest := top.Arg(0), top.Args()[1:]; cmd {
	case "build":
		return runBuild(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usageText)
		return nil
	default:
		fmt.Fprintf(stderr, "statusdocs: unknown command %q\n\n", cmd)
		top.Usage()
		return errUsage
	}
}

// sourceFlags are the input flags build and serve share.
type sourceFlags struct {
	content, layouts, static string
	embedded                 bool
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.content, "content", "content", "read Markdown pages from `dir`")
	fs.StringVar(&s.layouts, "layouts", "layouts", "read html/template layouts from `dir`")
	fs.StringVar(&s.static, "static", "static", "copy CSS, JS and images from `dir`")
	fs.BoolVar(&s.embedded, "embedded", false, "use the content, layouts and static files built into the program, even where the folders exist")
}

// sources resolves each input folder: the folder on disk when it exists, the
// embedded copy when the flag was left at its default and the folder is
// missing (or -embedded is set), an error otherwise.
func (s *sourceFlags) sources(set map[string]bool) (content, layouts, static Source, err error) {
	pick := func(flagName, dir string) (Source, error) {
		if !s.embedded {
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				return Source{FS: newDiskFS(dir), Name: strings.TrimSuffix(dir, "/"), Dir: dir}, nil
			} else if set[flagName] {
				if err == nil {
					err = errors.New("not a folder")
				}
				return Source{}, fmt.Errorf("-%s %s: %w", flagName, dir, err)
			}
		}
		sub, err := fs.Sub(embedded, flagName)
		if err != nil {
			panic(err) // the embedded folders always exist
		}
		return Source{FS: sub, Name: flagName}, nil
	}
	if content, err = pick("content", s.content); err != nil {
		return
	}
	if layouts, err = pick("layouts", s.layouts); err != nil {
		return
	}
	static, err = pick("static", s.static)
	return
}

// parseFlags parses a subcommand's flags, which take no arguments after
// them. It returns flag.ErrHelp for -h and errUsage, usage printed, for a
// wrong command line.
func parseFlags(fset *flag.FlagSet, args []string, stderr io.Writer) error {
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "statusdocs %s: unexpected argument %q\n", fset.Name(), fset.Arg(0))
		fset.Usage()
		return errUsage
	}
	return nil
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("build", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var src sourceFlags
	src.register(fset)
	out := fset.String("out", "build", "write the site to `dir` (replaced whole; never a source folder)")
	baseURL := fset.String("base-url", "", "absolute `url` the site is served from, e.g. https://example.org/docs/, for canonical links (default: relative links only)")
	offline := fset.Bool("offline", false, "build for reading from disk (file://): every link names a file, e.g. 404/index.html")
	zipPath := fset.String("zip", "", "also pack the built site into the zip `file`, e.g. docs.zip")
	cacheDir := fset.String("cache", "", "keep highlighted code blocks in `dir` between builds, to rebuild faster (off by default)")
	noCache := fset.Bool("no-cache", false, "highlight every code block afresh, even blocks seen earlier in the same build")
	fset.Usage = func() {
		fmt.Fprint(stderr, "usage: statusdocs build [flags]\n\nBuild the site into a folder. The previous output is replaced only when the\nwhole build succeeds.\n\nFlags:\n")
		fset.PrintDefaults()
	}
	if err := parseFlags(fset, args, stderr); err != nil {
		return err
	}
	content, layouts, static, err := src.sources(setFlags(fset))
	if err != nil {
		return err
	}
	base, err := normalizeBaseURL(*baseURL)
	if err != nil {
		return err
	}
	if *noCache {
		if *cacheDir != "" {
			return fmt.Errorf("-cache and -no-cache contradict each other")
		}
		useHighlightCache.Store(false)
	}
	cfg := &Config{Content: content, Layouts: layouts, Static: static, Out: *out, BaseURL: base,
		Offline: *offline, Zip: *zipPath, HashAssets: true, CacheDir: *cacheDir}
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: near it the collector works harder rather than
		// letting a big build's garbage double its footprint. (GOGC off
		// was measured slower for big builds: the heap outgrows the huge
		// pages and fresh memory costs page faults; see heapFloor.)
		debug.SetMemoryLimit(buildMemoryLimit)
	}
	prepareHeap(true)
	res, err := Build(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built %d pages and %d static files in %v into %s\n",
		res.Pages, res.Static, res.Elapsed.Round(100_000), cfg.Out)
	return nil
}
