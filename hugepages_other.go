//go:build !linux

package main

func hugeHeap(size int) {}
