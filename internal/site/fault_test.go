package site

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// faultyOutput fails, or cancels the build, from the nth file on, as a
// disk that fills up mid-build would.
type faultyOutput struct {
	Output
	n     int32
	count atomic.Int32
	fail  func(name string) error
}

func (f *faultyOutput) WriteFile(name string, data []byte) error {
	if f.count.Add(1) >= f.n {
		if err := f.fail(name); err != nil {
			return err
		}
	}
	return f.Output.WriteFile(name, data)
}

// TestWriteFailure fails every write from the 20th on with "no space left
// on device", as the folder output reports it: the build fails with one
// line naming the first file, the old output is intact and nothing is left
// beside it.
func TestWriteFailure(t *testing.T) {
	t.Parallel()
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EACCES, syscall.EROFS} {
		t.Run(errno.Error(), func(t *testing.T) {
			t.Parallel()
			cfg := fixtureConfig(t)
			mustBuild(t, cfg)
			before := testenv.ReadTree(t, cfg.Out)
			cfg.wrapOutput = func(o Output) Output {
				d := o.(*dirOutput)
				return &faultyOutput{Output: o, n: 20, fail: func(name string) error {
					return d.pathError(name, "writing", errno)
				}}
			}
			_, err := Build(context.Background(), cfg)
			if !errors.Is(err, errno) {
				t.Fatalf("Build = %v, want %v", err, errno)
			}
			msg := err.Error()
			if strings.Count(msg, "\n") > 0 || !strings.HasPrefix(msg, cfg.Out+"/") ||
				!strings.Contains(msg, ": writing: "+errno.Error()) || !strings.Contains(msg, "more files)") {
				t.Errorf("error = %q, want one line: %s/<file>: writing: %v (and N more files)", msg, cfg.Out, errno)
			}
			testenv.WantTree(t, cfg.Out, before, "after the failure")
			wantOnlyOut(t, cfg.Out)
		})
	}
}

// TestCancelledBuild cancels a build while it writes, as Ctrl-C does: it
// stops with context.Canceled and no other error (the files it did not
// write are not reported as broken links), the old output is intact and
// nothing is left beside it.
func TestCancelledBuild(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	before := testenv.ReadTree(t, cfg.Out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.wrapOutput = func(o Output) Output {
		return &faultyOutput{Output: o, n: 5, fail: func(string) error { cancel(); return nil }}
	}
	_, err := Build(ctx, cfg)
	if !errors.Is(err, context.Canceled) || err.Error() != context.Canceled.Error() {
		t.Fatalf("Build = %q, want only %q", err, context.Canceled)
	}
	testenv.WantTree(t, cfg.Out, before, "after the cancelled build")
	wantOnlyOut(t, cfg.Out)
}
