package main

import (
	"os"
	"runtime/debug"
	"sync"
)

// buildMemoryLimit is the soft memory limit of a build (GOMEMLIMIT
// overrides it). Builds stream pages to disk, so even 10,000 pages need
// less; the limit only trims garbage.
const buildMemoryLimit = 200 << 20

// heapFloor holds memory no one reads or writes, so the collector's heap
// goal (twice the live heap) starts at about twice its size. A build's
// live heap is small, 3 MB for the shipped site, and with the default goal
// the collector ran 11 times in a 150 ms build (GODEBUG=gctrace=1), 8% of
// its CPU. With this floor small builds collect once or not at all:
// alternated whole builds, shipped site 0.84x, 100 pages 0.86x, 2,000
// pages 0.98x. Its pages are never touched, so it costs address space,
// not memory (peak RSS at 10,000 pages: 150 MB). GOGC set in the
// environment leaves the collector alone.
var heapFloor []byte

const heapFloorSize = 32 << 20

var prepareHeapOnce sync.Once

// prepareHeap readies the heap once per process, after a command's flags
// are read: the floor for a build (not the long-running dev server), then
// hugeHeap, so the floor does not take the pages marked for huge pages.
// The collector is off meanwhile: 96 MiB allocated in a heap whose goal is
// 4 MiB started a collection at once, which charged the next allocation
// with marking work and which hugeHeap's own collection then had to finish
// before running: two collections where one frees the block (prepareHeap
// took 10-15 ms, half of it that; runtime.GC collects even with the
// collector off).
func prepareHeap(floor bool) {
	prepareHeapOnce.Do(func() {
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
		if floor {
			raiseHeapFloor()
		}
		hugeHeap(64 << 20)
	})
}

// raiseHeapFloor allocates heapFloor.
func raiseHeapFloor() {
	if os.Getenv("GOGC") == "" {
		heapFloor = make([]byte, heapFloorSize)
	}
}
