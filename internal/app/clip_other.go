//go:build !darwin

package app

// platformClipboard is nil: outside macOS the display decides (clip.go).
func platformClipboard() *clipboard { return nil }
