package app

// Unit tests of the write path's helpers (insert.go, append.go, hotp.go,
// prompt.go, clip.go, timer.go, qr.go). The commands themselves are tested
// end to end in cmd/passotp (scripts and write_interop_test.go).

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTrimInput(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"plain", "otpauth://x", "otpauth://x"},
		{"blanks", " \t otpauth://x \t\n", "otpauth://x"},
		{"cr kept", "otpauth://x\r", "otpauth://x\r"},
		{"inner space kept", "a b", "a b"},
		{"backslash literal", `a\nb\`, `a\nb\`},
		{"empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := trimInput(tt.in); got != tt.want {
				t.Errorf("trimInput(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHasOTPLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, entry string
		want        bool
	}{
		{"first line", "otpauth://totp/a?secret=A", true},
		{"later line", "pw\notpauth://totp/a?secret=A\n", true},
		{"indented only", "pw\n  otpauth://totp/a?secret=A\n", false},
		{"none", "pw\nuser: me\n", false},
		{"inside a line", "pw otpauth://totp/a\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hasOTPLine([]byte(tt.entry)); got != tt.want {
				t.Errorf("hasOTPLine(%q) = %v, want %v", tt.entry, got, tt.want)
			}
		})
	}
}

var counterLineTests = []struct {
	name, line, old string
	n               uint64
	want            string
	ok              bool
}{
	{"last", "otpauth://hotp/a?secret=A&counter=5", "5", 6, "otpauth://hotp/a?secret=A&counter=6", true},
	{"first", "otpauth://hotp/a?counter=5&secret=A", "5", 6, "otpauth://hotp/a?counter=6&secret=A", true},
	{"backquote kept", "otpauth://hotp/a`b?secret=A&counter=9", "9", 10, "otpauth://hotp/a`b?secret=A&counter=10", true},
	{"leading zero", "otpauth://hotp/a?secret=A&counter=08", "08", 9, "otpauth://hotp/a?secret=A&counter=9", true},
	{"duplicate: the last wins", "otpauth://hotp/a?counter=1&secret=A&counter=1", "1", 2, "otpauth://hotp/a?counter=1&secret=A&counter=2", true},
	{"not a prefix match", "otpauth://hotp/a?xcounter=5&counter=5", "5", 6, "otpauth://hotp/a?xcounter=5&counter=6", true},
	{"no query", "otpauth://hotp/a", "5", 6, "", false},
	{"no counter", "otpauth://hotp/a?secret=A", "5", 6, "", false},
}

func TestCounterLine(t *testing.T) {
	t.Parallel()
	for _, tt := range counterLineTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := counterLine(tt.line, tt.old, tt.n)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("counterLine(%q, %q, %d) = %q, %v; want %q, ok %v", tt.line, tt.old, tt.n, got, err, tt.want, tt.ok)
			}
		})
	}
}

// FuzzCounterLine: never panics; on success only the counter digits
// change.
func FuzzCounterLine(f *testing.F) {
	for _, tt := range counterLineTests {
		f.Add(tt.line, tt.old, tt.n)
	}
	f.Fuzz(func(t *testing.T, line, old string, n uint64) {
		got, err := counterLine(line, old, n)
		if err != nil {
			if got != "" {
				t.Errorf("error with output %q", got)
			}
			return
		}
		digits := strconv.FormatUint(n, 10)
		for k := 0; k+len("counter=") <= len(line); k++ {
			p := k + len("counter=")
			if strings.HasPrefix(line[k:], "counter="+old) && got == line[:p]+digits+line[p+len(old):] {
				return
			}
		}
		t.Errorf("counterLine(%q, %q, %d) = %q changes more than one counter value", line, old, n, got)
	})
}

var sleepTests = []struct {
	in   string
	want time.Duration
	ok   bool
}{
	{"45", 45 * time.Second, true},
	{"0", 0, true},
	{"1.5", 1500 * time.Millisecond, true},
	{"2s", 2 * time.Second, true},
	{"1m", time.Minute, true},
	{"1h", time.Hour, true},
	{"1d", 24 * time.Hour, true},
	{"", 0, false},
	{"s", 0, false},
	{"-1", 0, false},
	{"abc", 0, false},
	{"inf", 0, false},
	{"nan", 0, false},
	{"0x10", 0, false},
	{"1e400", 1<<63 - 1, true},
}

func TestSleepDuration(t *testing.T) {
	t.Parallel()
	for _, tt := range sleepTests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := sleepDuration(tt.in)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Errorf("sleepDuration(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// FuzzSleepDuration: never panics, never negative.
func FuzzSleepDuration(f *testing.F) {
	for _, tt := range sleepTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := sleepDuration(s); ok && d < 0 {
			t.Errorf("sleepDuration(%q) = %v", s, d)
		} else if !ok && d != 0 {
			t.Errorf("sleepDuration(%q) failed with %v", s, d)
		}
	})
}

func TestClipboardBackend(t *testing.T) {
	t.Parallel()
	if platformClipboard() != nil {
		t.Skip("this platform has one clipboard")
	}
	tests := []struct {
		name        string
		env         map[string]string
		copy, name2 string
		err         error
	}{
		{"x11", map[string]string{"DISPLAY": ":0"}, "xclip -selection clipboard", "password store sleep on display :0", nil},
		{"x11 primary", map[string]string{"DISPLAY": ":1", "PASSWORD_STORE_X_SELECTION": "primary"}, "xclip -selection primary", "password store sleep on display :1", nil},
		{"wayland wins", map[string]string{"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "wl-copy", "password store sleep on display wayland-0", nil},
		{"wayland primary", map[string]string{"WAYLAND_DISPLAY": "w", "PASSWORD_STORE_X_SELECTION": "primary"}, "wl-copy --primary", "password store sleep on display w", nil},
		{"none", map[string]string{}, "", "", errNoDisplay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &App{Getenv: func(k string) string { return tt.env[k] }}
			c, err := a.clipboard()
			if err != tt.err {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				if m := userMessage(err); m != "Error: No X11 or Wayland display detected" {
					t.Errorf("message %q", m)
				}
				return
			}
			if got := strings.Join(c.Copy, " "); got != tt.copy {
				t.Errorf("copy = %q, want %q", got, tt.copy)
			}
			if c.Name != tt.name2 {
				t.Errorf("timer name = %q, want %q", c.Name, tt.name2)
			}
		})
	}
}

// TestQRUTF8Shape checks the native rendering's frame: every line equally
// wide, a 4-module light margin (full blocks) around a square code.
func TestQRUTF8Shape(t *testing.T) {
	t.Parallel()
	text, err := qrUTF8("otpauth://totp/a?secret=AAAAAAAA")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	w := utf8.RuneCountInString(lines[0])
	if want := (w + 1) / 2; len(lines) != want {
		t.Errorf("%d lines for width %d, want %d", len(lines), w, want)
	}
	for i, l := range lines {
		if utf8.RuneCountInString(l) != w {
			t.Errorf("line %d has %d columns, want %d", i, utf8.RuneCountInString(l), w)
		}
		if i < 2 && strings.Trim(l, "█") != "" {
			t.Errorf("line %d is not margin: %q", i, l)
		}
		if !strings.HasPrefix(l, "████") {
			t.Errorf("line %d lacks the left margin: %q", i, l)
		}
	}
}

// TestTimerName pins the command line pass's `pkill -f` looks for.
func TestTimerName(t *testing.T) {
	t.Parallel()
	if got := timerName(":0"); got != "password store sleep on display :0" {
		t.Errorf("timerName = %q", got)
	}
	// This process is not a timer.
	if len(os.Args) == 1 && strings.HasPrefix(os.Args[0], timerPrefix) {
		t.Fatal("the test binary was started as a timer")
	}
}
