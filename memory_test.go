package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
)

// TestHeapFloor checks that the floor raises the collector's heap goal to
// at least twice its size.
func TestHeapFloor(t *testing.T) {
	t.Setenv("GOGC", "")
	raiseHeapFloor()
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(sample)
	if goal := sample[0].Value.Uint64(); goal < 2*heapFloorSize {
		t.Errorf("heap goal %d MB with the floor, want at least %d MB", goal>>20, 2*heapFloorSize>>20)
	}
	if len(heapFloor) != heapFloorSize {
		t.Errorf("floor of %d bytes", len(heapFloor))
	}
}

// TestPrepareHeapCollectsOnce checks, in a child process of its own, that
// readying the heap runs one collection (the one that frees hugeHeap's
// block; none where huge pages are off) and leaves the collector on: with
// the collector running while the blocks were made, it took two and
// charged the block's allocation with marking work.
func TestPrepareHeapCollectsOnce(t *testing.T) {
	cycles := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	if os.Getenv("STATUSDOCS_HEAP_CHILD") == "1" {
		runtime.GC() // so no cycle the test binary's start began ends in the count
		before := cycles()
		prepareHeap(true)
		fmt.Printf("cycles=%d gcpercent=%d\n", cycles()-before, debug.SetGCPercent(100))
		return
	}
	for _, huge := range []string{"1", "0"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPrepareHeapCollectsOnce$", "-test.v")
		cmd.Env = append(os.Environ(), "STATUSDOCS_HEAP_CHILD=1", "GOGC=", "STATUSDOCS_HUGEPAGES="+huge)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		want := "cycles=1 gcpercent=100"
		if huge == "0" || runtime.GOOS != "linux" {
			want = "cycles=0 gcpercent=100"
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("STATUSDOCS_HUGEPAGES=%s: want %q in the child's output:\n%s", huge, want, out)
		}
	}
}
