package main

import (
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// On this project's virtual machines a first touch of a 4 KiB page costs
// about 15 µs (a micro-benchmark: 14–15 µs a page; 1.2 µs with
// MADV_HUGEPAGE), and a build's heap is touched page by page as it grows:
// thousands of faults, a fifth of a small build's time. Linux gives
// transparent huge pages only to memory marked MADV_HUGEPAGE when its
// policy is "madvise" (the default on Debian), and the Go runtime marks
// none. hugeHeap has the runtime map a region of heap at once, marks it,
// and frees it: the heap then grows into pages that fault 2 MiB at a time.
// Where the kernel has no huge pages the advice is ignored.
// STATUSDOCS_HUGEPAGES=0 turns this off.
func hugeHeap(size int) {
	if os.Getenv("STATUSDOCS_HUGEPAGES") == "0" {
		return
	}
	block := make([]byte, size) // fresh memory: the runtime does not touch it
	const huge = 2 << 20
	start := (uintptr(unsafe.Pointer(unsafe.SliceData(block))) + huge - 1) &^ (huge - 1)
	end := (uintptr(unsafe.Pointer(unsafe.SliceData(block))) + uintptr(size)) &^ (huge - 1)
	if end > start {
		const madvHugepage = 14
		syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvHugepage)
	}
	runtime.KeepAlive(block)
	block = nil
	runtime.GC() // the block's pages go back to the heap for reuse
}
