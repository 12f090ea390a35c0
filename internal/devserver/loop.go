package devserver

import (
	"context"
	"errors"
	"time"
)

// maxCancels is how many rebuilds in a row a new change may cancel; after
// that the running one finishes and the change waits for the next.
const maxCancels = 3

// rebuildLoop rebuilds the site for the changes the watcher sends, until
// ctx is done. It starts a rebuild at the first change, without waiting
// for a quiet moment, and folds every change that arrives while that runs
// into one follow-up rebuild: a burst (an editor's save through a
// temporary file, a git checkout, a formatter) costs at most two builds,
// and a single save reaches browsers after one. A build that comes out
// unsettled (failed, or lost pages) is held for settleGrace and dropped if
// more changes come: it most likely read a file mid-save. A change that
// arrives while a build runs cancels it: that build's files are already
// out of date, and a slow one (a huge page) would hold up the one that
// matters. Its changes go into the next build. Requests wait from the
// first change until the last build of the burst is published, but at
// most requestWait: past that they get the last good site, whole.
func (s *Server) rebuildLoop(ctx context.Context, changes <-chan []string) {
	var (
		pending []string // changes not yet being built
		seen    = map[string]bool{}
		running chan *buildResult // nil when no build runs
		cancel  context.CancelFunc
		cancels int          // builds cancelled in a row
		doomed  bool         // the running build was cancelled
		current []string     // changes the running or held build is for
		held    *buildResult // an unsettled build waiting out settleGrace
		grace   *time.Timer
		graceC  <-chan time.Time // nil unless a build is held
	)
	add := func(names []string) {
		for _, name := range names {
			if !seen[name] {
				seen[name] = true
				pending = append(pending, name)
			}
		}
	}
	start := func() {
		current, pending = pending, nil
		clear(seen)
		s.beginRebuild()
		running, doomed = make(chan *buildResult, 1), false
		var bctx context.Context
		bctx, cancel = context.WithCancel(ctx)
		go func(done chan<- *buildResult) { done <- s.rebuild(bctx) }(running)
	}
	drop := func() { // the held or finished build: its changes go into the next
		held, graceC = nil, nil
		if grace != nil {
			grace.Stop()
		}
		add(current)
	}
	for {
		select {
		case <-ctx.Done():
			if running != nil {
				<-running
			}
			if grace != nil {
				grace.Stop()
			}
			s.endRebuild()
			return
		case names := <-changes:
			add(names)
			if held != nil {
				drop()
			}
			if running == nil {
				start()
			} else if !doomed && cancels < maxCancels {
				// At most a few in a row: a file rewritten more often than
				// a build takes must not keep every build from finishing.
				cancel()
				doomed = true
				cancels++
			}
		case res := <-running:
			running = nil
			cancel()
			if !errors.Is(res.err, context.Canceled) {
				cancels = 0
			}
			switch {
			case ctx.Err() == nil && errors.Is(res.err, context.Canceled):
				s.cancelled.Add(1)
				add(current) // not built: into the next build
				start()
			case len(pending) > 0 && s.unsettled(res):
				drop()
				start()
			case len(pending) > 0:
				s.publish(res, current)
				start()
			case s.unsettled(res):
				held = res
				grace = time.NewTimer(s.settle)
				graceC = grace.C
			default:
				s.publish(res, current)
				s.endRebuild()
			}
		case <-graceC:
			res := held
			held, graceC = nil, nil
			s.publish(res, current)
			s.endRebuild()
		}
	}
}
