package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// outDir is one build's claim on its output folder: a lock beside the
// folder, held until the build is done, and the temporary folder the build
// writes into before it is swapped in. Two builds into one folder never
// interleave, and whatever a build leaves beside the folder (a temporary
// folder, a previous output moved aside) is removed by the next build,
// which can tell it is abandoned because it holds the lock that its owner
// would still hold: the kernel releases the lock when a process dies.
type outDir struct {
	out  string // the output folder
	tmp  string // the folder this build writes
	lock *os.File
}

// Names beside the output folder "build": .build.lock, .build.tmp-<hex>
// (a build in progress), .build.old-<hex> (the previous output during the
// swap).
func lockName(out string) string  { return besideName(out, ".lock") }
func tmpPrefix(out string) string { return besideName(out, ".tmp-") }
func oldPrefix(out string) string { return besideName(out, ".old-") }

func besideName(out, suffix string) string {
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+suffix)
}

// lockPoll is how often a build waiting for the lock tries again.
const lockPoll = 50 * time.Millisecond

// claimOut takes the lock of out, waiting while another build holds it
// (calling waiting once, with what the lock file says about its holder),
// until ctx is done. It then tidies what earlier builds left and makes the
// temporary folder, with the modes any folder gets (0777 less the umask),
// not os.MkdirTemp's 0700: it becomes the output folder, which web servers
// running as another user must be able to read.
func claimOut(ctx context.Context, out string, waiting func(holder string)) (*outDir, error) {
	if err := os.MkdirAll(filepath.Dir(out), 0o777); err != nil {
		return nil, err
	}
	name := lockName(out)
	var f *os.File
	for told := false; ; {
		var err error
		if f == nil {
			if f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o666); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: locking: %w", name, err)
		}
		if ok {
			// The holder before us removes the file as it lets go; a lock
			// on a file no longer at that name keeps nobody out.
			if same(f, name) {
				break
			}
			f.Close()
			f = nil
			continue
		}
		if !told && waiting != nil {
			holder, _ := os.ReadFile(name)
			waiting(strings.TrimSpace(string(holder)))
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
	d := &outDir{out: out, lock: f}
	// Say who holds the lock, for the message a waiting build prints.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte("pid "+strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err := d.tidy(); err != nil {
		d.release()
		return nil, err
	}
	d.tmp = tmpPrefix(out) + randomSuffix()
	if err := os.Mkdir(d.tmp, 0o777); err != nil {
		d.release()
		return nil, err
	}
	return d, nil
}

// tidy removes what builds that died left beside the output. A previous
// output moved aside while the output itself is missing means a build died
// in the middle of the swap: it is put back rather than removed.
func (d *outDir) tidy() error {
	parent := filepath.Dir(d.out)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	tmpBase, oldBase := filepath.Base(tmpPrefix(d.out)), filepath.Base(oldPrefix(d.out))
	_, statErr := os.Lstat(d.out)
	missing := errors.Is(statErr, fs.ErrNotExist)
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(parent, name)
		suffix, isTmp := strings.CutPrefix(name, tmpBase)
		if !isTmp {
			suffix, _ = strings.CutPrefix(name, oldBase)
		}
		// Only names a build makes: the prefix and 12 hex digits (or, for
		// temporary folders of earlier versions, os.MkdirTemp's digits).
		if !e.IsDir() || suffix == name || !hexSuffix.MatchString(suffix) {
			continue
		}
		if !isTmp && missing {
			if _, err := os.Stat(filepath.Join(path, Marker)); err == nil {
				// A build died between moving the output aside and putting
				// the new one in place: the old output is whole; put it back.
				if err := os.Rename(path, d.out); err != nil {
					return fmt.Errorf("putting back %s, the output a build moved aside before it died: %w", path, err)
				}
				missing = false
				continue
			}
		}
		// Left by a build that died (a temporary folder, or an old output
		// half removed): no build runs while we hold the lock. Best effort:
		// what cannot be removed now is tried again by the next build.
		os.RemoveAll(path)
	}
	return nil
}

// hexSuffix matches what follows the prefix in a build's folder names.
var hexSuffix = regexp.MustCompile(`^[0-9a-f]{6,24}$|^[0-9]{6,20}$`)

// swapIn replaces the output with the finished build. The old output is
// moved aside first and removed only after the new one is in place.
func (d *outDir) swapIn() error {
	if _, err := os.Lstat(d.out); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(d.tmp, d.out)
	}
	old := oldPrefix(d.out) + randomSuffix()
	if err := os.Rename(d.out, old); err != nil {
		return err
	}
	if err := os.Rename(d.tmp, d.out); err != nil {
		os.Rename(old, d.out) // put the previous build back
		return err
	}
	// The new output is in place: the build succeeded. An old output that
	// cannot be removed now is removed by the next build (tidy).
	os.RemoveAll(old)
	return nil
}

// release removes the temporary folder if it was not swapped in, and lets
// the next build in.
func (d *outDir) release() error {
	var err error
	if d.tmp != "" {
		err = os.RemoveAll(d.tmp)
	}
	// Removed while still held, so no one can lock it in between; a build
	// waiting on this file sees it is gone (same) and opens a new one.
	os.Remove(d.lock.Name())
	unlock(d.lock)
	d.lock.Close()
	return err
}

// same reports whether f is still the file at name.
func same(f *os.File, name string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(name)
	return err == nil && os.SameFile(a, b)
}
