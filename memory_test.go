package main

import (
	"runtime"
	"runtime/metrics"
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
