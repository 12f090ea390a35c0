package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestHugeHeapAdvice checks that after hugeHeap the memory the heap grows
// into carries the huge-page advice ("hg" in the mapping's VmFlags), where
// the kernel offers transparent huge pages at all.
func TestHugeHeapAdvice(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		t.Skip("this kernel has no transparent huge pages")
	}
	t.Setenv("STATUSDOCS_HUGEPAGES", "")
	hugeHeap(16 << 20)
	// A new large object is placed in the pages just freed.
	probe := make([]byte, 8<<20)
	addr := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(probe))))
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	var inside bool
	for _, line := range strings.Split(string(smaps), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			lo, hi, _ := strings.Cut(f[0], "-")
			l, _ := strconv.ParseUint(lo, 16, 64)
			h, _ := strconv.ParseUint(hi, 16, 64)
			inside = l <= addr+4<<20 && addr+4<<20 < h
			continue
		}
		if inside && strings.HasPrefix(line, "VmFlags:") {
			if !strings.Contains(line, " hg") {
				t.Errorf("the heap's new pages lack the huge-page advice: %s", line)
			}
			return
		}
	}
	t.Errorf("no mapping holds the probe at %#x", addr)
}
