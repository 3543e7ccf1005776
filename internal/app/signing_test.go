package app

import (
	"strings"
	"testing"
)

func TestValidSig(t *testing.T) {
	a := strings.Repeat("A", 40)
	b := strings.Repeat("0", 39) + "F"
	tests := []struct {
		line         string
		sig, primary string
		ok           bool
	}{
		{"[GNUPG:] VALIDSIG " + a + " 2026-11-23 1763900000 0 4 0 1 8 00 " + b, a, b, true},
		{"[GNUPG:] VALIDSIG " + a + "  " + b, a, b, true}, // `.*` may be empty
		{"[GNUPG:] VALIDSIG " + a + " " + b, "", "", false},
		{"[GNUPG:] VALIDSIG " + strings.ToLower(a) + " x " + b, "", "", false},
		{"[GNUPG:] GOODSIG " + a + " x " + b, "", "", false},
		{"[GNUPG:] VALIDSIG " + a + " x " + b + " ", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		sig, primary, ok := validSig(tt.line)
		if sig != tt.sig || primary != tt.primary || ok != tt.ok {
			t.Errorf("validSig(%q) = %q, %q, %v; want %q, %q, %v", tt.line, sig, primary, ok, tt.sig, tt.primary, tt.ok)
		}
	}
	if isFpr("nothex") || isFpr(strings.Repeat("G", 40)) || !isFpr(a) {
		t.Errorf("isFpr is wrong")
	}
}
