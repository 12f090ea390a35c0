// Statusdocs turns a folder of Markdown pages, one per HTTP status code, and
// Go html/template layouts into a static reference website: a home page with
// every code at a glance, a page per class and per code, and client-side
// search.
//
// Usage:
//
//	statusdocs build [flags]   write the site to build/
//	statusdocs serve [flags]   serve it with live reload while you edit
//	statusdocs version         print the version
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
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/statusdocs/statusdocs/internal/devserver"
	"github.com/statusdocs/statusdocs/internal/render"
	"github.com/statusdocs/statusdocs/internal/site"
)

// embedded holds the site shipped in the repository. The all: prefix keeps
// files whose names start with "_" (the _index.md pages).
//
//go:embed all:content all:layouts all:static
var embedded embed.FS

func main() {
	log.SetPrefix("statusdocs: ")
	log.SetFlags(0)
	// Ctrl-C or SIGTERM (what container runtimes and service managers
	// send) cancels ctx: a build stops and cleans up, a server finishes the
	// requests in flight. A second signal stops the program at once.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var caught atomic.Value
	go func() {
		sig := <-sigs
		caught.Store(sig)
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		cancel()
	}()
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
	if errors.Is(err, errProblems) {
		os.Exit(1) // printed already
	}
	if errors.Is(err, errInterrupted) {
		log.Print(err)
		// The shell's code for a command stopped by a signal: 128 + its
		// number (130 for SIGINT, 143 for SIGTERM).
		code := 130
		if sig, ok := caught.Load().(syscall.Signal); ok {
			code = 128 + int(sig)
		}
		os.Exit(code)
	}
	if err != nil {
		log.SetPrefix("")
		log.Print(err)
		os.Exit(1)
	}
}

// errUsage means the command line was wrong; usage was printed already.
var errUsage = errors.New("usage")

// errInterrupted means Ctrl-C stopped a build: one line says so and the
// program exits 130.
var errInterrupted = errors.New("interrupted")

const usageText = `usage: statusdocs <command> [flags]

Commands:
  build     write the site to a folder (default build/)
  check     run every check of a build, writing nothing (for editors and CI)
  new       write a page skeleton for a status code
  show      print what a code means, in the terminal (show 404, show teapot)
  serve     serve the site with live reload while you edit
  errors    write only the error pages for web servers (HTML, JSON, text)
  serve-errors
            serve the error pages, as Kubernetes ingress-nginx's default backend
  version   print the version of this program

Run "statusdocs <command> -h" for the flags of a command.
`

// run is the whole program, with its streams passed in so tests can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	top := flag.NewFlagSet("statusdocs", flag.ContinueOnError)
	top.SetOutput(stderr)
	top.Usage = func() { fmt.Fprint(stderr, usageText) }
	version := top.Bool("version", false, "print the version of this program")
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if *version {
		fmt.Fprintln(stdout, versionLine())
		return nil
	}
	if top.NArg() == 0 {
		top.Usage()
		return errUsage
	}
	switch cmd, rest := top.Arg(0), top.Args()[1:]; cmd {
	case "build":
		return runBuild(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stderr)
	case "check":
		return runCheck(ctx, rest, stdout, stderr)
	case "new":
		return runNew(rest, stdout, stderr)
	case "show":
		return runShow(ctx, rest, stdout, stderr)
	case "errors":
		return runErrors(ctx, rest, stdout, stderr)
	case "serve-errors":
		return runServeErrors(ctx, rest, stderr)
	case "version":
		fmt.Fprintln(stdout, versionLine())
		return nil
	case "help":
		fmt.Fprint(stdout, usageText)
		return nil
	default:
		fmt.Fprintf(stderr, "statusdocs: unknown command %q\n\n", cmd)
		top.Usage()
		return errUsage
	}
}

// versionLine describes this program: its module version (v1.2.3 when
// installed with go install; for a build in a checkout, a pseudo-version
// made from the commit, or "(devel)" with -buildvcs=false) and, where the
// go command recorded them, the commit, its time and whether the working
// tree had local changes.
func versionLine() string {
	version := "(unknown)"
	var vcs []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				vcs = append([]string{"revision " + s.Value}, vcs...)
			case "vcs.time":
				vcs = append(vcs, s.Value)
			case "vcs.modified":
				if s.Value == "true" {
					vcs = append(vcs, "with local changes")
				}
			}
		}
	}
	line := "statusdocs " + version
	if len(vcs) > 0 {
		line += ", " + strings.Join(vcs, ", ")
	}
	return line + " (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

// sourceFlags are the input flags build and serve share.
type sourceFlags struct {
	content, layouts, static string
	embedded                 bool
	cacheDir                 string
	noCache                  bool
	strictTranslations       bool
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.content, "content", "content", "read Markdown pages from `dir`")
	fs.StringVar(&s.layouts, "layouts", "layouts", "read html/template layouts from `dir`")
	fs.StringVar(&s.static, "static", "static", "copy CSS, JS and images from `dir`")
	fs.BoolVar(&s.embedded, "embedded", false, "use the content, layouts and static files built into the program, even where the folders exist")
	fs.StringVar(&s.cacheDir, "cache", defaultCacheDir(), "keep highlighted code blocks in `dir` between builds")
	fs.BoolVar(&s.noCache, "no-cache", false, "highlight every code block afresh, reading and writing no cache")
	fs.BoolVar(&s.strictTranslations, "strict-translations", false, "fail when a translation is out of date with its page (default: a warning)")
}

// defaultCacheDir returns where the highlight cache lives unless -cache
// says otherwise: statusdocs in the user's cache folder
// ($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS,
// %LocalAppData% on Windows), or "" where there is none.
func defaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "statusdocs")
}

// highlight returns the highlight cache options the flags ask for.
func (s *sourceFlags) highlight(set map[string]bool) (render.HighlightOptions, error) {
	if s.noCache {
		if set["cache"] {
			return render.HighlightOptions{}, errors.New("-cache and -no-cache contradict each other")
		}
		return render.HighlightOptions{NoCache: true}, nil
	}
	return render.HighlightOptions{Dir: s.cacheDir}, nil
}

// config resolves the input folders and cache options into a build
// config. Each input folder is the folder on disk when it exists, the
// embedded copy when the flag was left at its default and the folder is
// missing (or -embedded is set), an error otherwise.
func (s *sourceFlags) config(set map[string]bool) (*site.Config, error) {
	pick := func(flagName, dir string) (site.Source, error) {
		if !s.embedded {
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				return site.Source{FS: os.DirFS(dir), Name: strings.TrimSuffix(dir, "/"), Dir: dir}, nil
			} else if set[flagName] {
				if err == nil {
					err = errors.New("not a folder")
				}
				return site.Source{}, fmt.Errorf("-%s %s: %w", flagName, dir, err)
			}
		}
		sub, err := fs.Sub(embedded, flagName)
		if err != nil {
			panic(err) // the embedded folders always exist
		}
		return site.Source{FS: sub, Name: flagName}, nil
	}
	cfg := &site.Config{StrictTranslations: s.strictTranslations}
	var err error
	if cfg.Content, err = pick("content", s.content); err != nil {
		return nil, err
	}
	if cfg.Layouts, err = pick("layouts", s.layouts); err != nil {
		return nil, err
	}
	if cfg.Static, err = pick("static", s.static); err != nil {
		return nil, err
	}
	if cfg.Highlight, err = s.highlight(set); err != nil {
		return nil, err
	}
	return cfg, nil
}

// configAt resolves the source flags and a -base-url into a config.
func (s *sourceFlags) configAt(fset *flag.FlagSet, baseURL string) (*site.Config, error) {
	cfg, err := s.config(setFlags(fset))
	if err != nil {
		return nil, err
	}
	if cfg.BaseURL, err = site.NormalizeBaseURL(baseURL); err != nil {
		return nil, err
	}
	return cfg, nil
}

// interrupted turns a build's cancellation by a signal into errInterrupted,
// naming what was left as it was.
func interrupted(ctx context.Context, err error, what, out string) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		if out != "" {
			return fmt.Errorf("%s %w; %s was left as it was", what, errInterrupted, out)
		}
		return fmt.Errorf("%s %w", what, errInterrupted)
	}
	return err
}

// parseFlagsArgs parses a subcommand's flags and leaves its arguments in
// fset.Args() (new, show).
func parseFlagsArgs(fset *flag.FlagSet, args []string) error {
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// parseFlags parses a subcommand's flags, which take no arguments after
// them. It returns flag.ErrHelp for -h and errUsage, usage printed, for a
// wrong command line.
func parseFlags(fset *flag.FlagSet, args []string, stderr io.Writer) error {
	if err := parseFlagsArgs(fset, args); err != nil {
		return err
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
	fset.Usage = func() {
		fmt.Fprint(stderr, "usage: statusdocs build [flags]\n\nBuild the site into a folder. The previous output is replaced only when the\nwhole build succeeds.\n\nFlags:\n")
		fset.PrintDefaults()
	}
	if err := parseFlags(fset, args, stderr); err != nil {
		return err
	}
	cfg, err := src.configAt(fset, *baseURL)
	if err != nil {
		return err
	}
	cfg.Out, cfg.Offline, cfg.Zip, cfg.HashAssets = *out, *offline, *zipPath, true
	cfg.Waiting = func(holder string) {
		if holder != "" {
			holder = " (" + holder + ")"
		}
		fmt.Fprintf(stderr, "statusdocs: waiting for another build into %s%s to finish\n", cfg.Out, holder)
	}
	res, err := site.Build(ctx, cfg)
	if err != nil {
		return interrupted(ctx, err, "build", cfg.Out)
	}
	if res.CacheErr != nil {
		fmt.Fprintf(stderr, "statusdocs: warning: %v (the build is fine; -cache dir moves the cache, -no-cache goes without)\n", res.CacheErr)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "statusdocs: warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "built %d pages%s and %d static files in %v into %s\n",
		res.Pages, langsNote(res.Langs), res.Static, res.Elapsed.Round(100_000), cfg.Out)
	return nil
}

// runServe is statusdocs serve: it parses the flags, checks the address,
// listens (so "address in use" is reported at once) and serves until ctx
// is done. Everything it prints goes to stderr.
func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var src sourceFlags
	src.register(fset)
	addr := fset.String("addr", devserver.DefaultAddr, "listen on `host:port`; a host other than 127.0.0.1, ::1 or localhost needs -allow-remote")
	allowRemote := fset.Bool("allow-remote", false, "allow an -addr that other machines can reach, such as 0.0.0.0:1313 or :1313 (prints a warning: the dev server is made for your own machine)")
	var poll pollFlag
	fset.Var(&poll, "poll", "look for changes every `interval` instead of waiting for file system events, for network shares, WSL and container mounts where events do not arrive; -poll alone looks every "+devserver.DefaultPoll.String()+", -poll=2s every two seconds")
	follow := fset.Bool("follow", false, "when a page's Markdown is saved, open that page in every browser showing the site")
	fset.Usage = func() {
		fmt.Fprint(stderr, `usage: statusdocs serve [flags]

Serve the site at http://`+devserver.DefaultAddr+`/ while you edit it. The site is built
in memory (build/ is not touched) and rebuilt on every save under the content,
layouts and static folders; open pages reload by themselves, keeping their
scroll position, and a stylesheet change is applied without a reload. A build
error is printed as path:line: message and shown over every open page, while
the last good site stays served. Ctrl-C stops the server.

Flags:
`)
		fset.PrintDefaults()
	}
	if err := parseFlags(fset, args, stderr); err != nil {
		return err
	}
	if err := devserver.CheckAddr(*addr, *allowRemote); err != nil {
		return err
	}
	cfg, err := src.config(setFlags(fset))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("-addr %s: %w", *addr, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		if !*allowRemote {
			ln.Close()
			return fmt.Errorf("-addr %s: it resolves to %s, which other machines could reach; add -allow-remote to serve there", *addr, tcp.IP)
		}
		fmt.Fprintf(stderr, "warning: serving on %s, which other machines can reach: anyone who can connect sees your unpublished site\n", ln.Addr())
	}
	opts := devserver.Options{Follow: *follow, Poll: time.Duration(poll)}
	return devserver.New(cfg, opts, stderr).Serve(ctx, ln)
}

// pollFlag is the value of -poll: an interval, or 0 for file system
// events. Given alone, -poll means devserver.DefaultPoll.
type pollFlag time.Duration

// String returns the interval, or "" for file system events.
func (p *pollFlag) String() string {
	if p == nil || *p == 0 {
		return ""
	}
	return time.Duration(*p).String()
}

// Set takes "true" (-poll alone), "false", or an interval.
func (p *pollFlag) Set(s string) error {
	switch s {
	case "true":
		*p = pollFlag(devserver.DefaultPoll)
		return nil
	case "false":
		*p = 0
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < devserver.MinPoll {
		return fmt.Errorf("want an interval of at least %v, such as 500ms or 2s", devserver.MinPoll)
	}
	*p = pollFlag(d)
	return nil
}

// IsBoolFlag lets -poll stand alone, as the flag package allows for bools.
func (p *pollFlag) IsBoolFlag() bool { return true }
