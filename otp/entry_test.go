package otp

import (
	"bytes"
	"testing"
)

const uri1 = "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP"
const uri2 = "otpauth://totp/b?secret=GEZDGNBVGY3TQOJQ"

func TestFind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		entry string
		want  string // "" = not found
	}{
		{"only uri", uri1 + "\n", uri1},
		{"no newline", uri1, uri1},
		{"password first", "hunter2\nlogin: x\n" + uri1 + "\n", uri1},
		{"first of two", "pw\n" + uri1 + "\n" + uri2 + "\n", uri1},
		{"indented", "pw\n  \t" + uri1 + " \t\n", uri1},
		{"crlf keeps cr", "pw\r\n" + uri1 + "\r\n", uri1 + "\r"},
		{"key line is not a uri", "pw\notpauth: " + uri1 + "\n", ""},
		{"uppercase", "pw\nOTPAUTH://totp/a?secret=X\n", ""},
		{"prefix only", "otpauth:/\n", ""},
		{"empty", "", ""},
		{"blank lines", "\n\n\n", ""},
		{"later line", "\n\n" + uri2, uri2},
		{"bare prefix", "otpauth://", "otpauth://"},
	}
	for _, tc := range tests {
		s, e, ok := Find([]byte(tc.entry))
		if ok != (tc.want != "") {
			t.Errorf("%s: ok = %v", tc.name, ok)
			continue
		}
		if ok && tc.entry[s:e] != tc.want {
			t.Errorf("%s: Find = %q, want %q", tc.name, tc.entry[s:e], tc.want)
		}
	}
}

func TestReplaceRange(t *testing.T) {
	entry := []byte("pw\n  otpauth://hotp/a?secret=X&counter=1 \r\ntail")
	s, e, ok := Find(entry)
	if !ok {
		t.Fatal("not found")
	}
	got := ReplaceRange(entry, s, e, "NEW")
	if want := "pw\n  NEW\ntail"; string(got) != want { // " \r" is inside the trimmed line
		t.Errorf("ReplaceRange = %q, want %q", got, want)
	}
	if string(entry) != "pw\n  otpauth://hotp/a?secret=X&counter=1 \r\ntail" {
		t.Error("input modified")
	}
}

// TestHOTPEntryRewrite is compat.md §11.1 end to end on an entry: only the
// counter digits of the line that supplied the URI change.
func TestHOTPEntryRewrite(t *testing.T) {
	entry := []byte("\n\npassword\n  otpauth://hotp/a?counter=9&secret=JBSWY3DPEHPK3PXP\notpauth://hotp/b?secret=JBSWY3DPEHPK3PXP&counter=9\n\nlast")
	s, e, _ := Find(entry)
	k, err := Parse(string(entry[s:e]))
	if err != nil {
		t.Fatal(err)
	}
	_, uri, err := k.NextHOTP()
	if err != nil {
		t.Fatal(err)
	}
	got := ReplaceRange(entry, s, e, uri)
	want := "\n\npassword\n  otpauth://hotp/a?counter=10&secret=JBSWY3DPEHPK3PXP\notpauth://hotp/b?secret=JBSWY3DPEHPK3PXP&counter=9\n\nlast"
	if string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestAppend(t *testing.T) {
	t.Parallel()
	const u = "otpauth://totp/new?secret=JBSWY3DPEHPK3PXP"
	tests := []struct {
		name     string
		entry    string
		want     string
		replaced bool
	}{
		{"empty", "", u + "\n", false},
		{"password", "pw\n", "pw\n" + u + "\n", false},
		{"no final newline", "pw", "pw\n" + u + "\n", false},
		{"leading blank lines kept", "\n\npw\n", "\n\npw\n" + u + "\n", false},
		{"trailing blank lines kept", "pw\n\n\n", "pw\n\n\n" + u + "\n", false},
		{"single newline", "\n", "\n" + u + "\n", false},
		{"crlf", "pw\r\nuser: x\r\n", "pw\r\nuser: x\r\n" + u + "\n", false},
		{"indented uri not replaced", "pw\n " + uri1 + "\n", "pw\n " + uri1 + "\n" + u + "\n", false},
		{"replace one", "pw\n" + uri1 + "\nx\n", "pw\n" + u + "\nx\n", true},
		{"replace all", uri1 + "\nx\n" + uri2 + "\n", u + "\nx\n" + u + "\n", true},
		{"replace adds the missing final newline", "pw\n" + uri1, "pw\n" + u + "\n", true},
		{"replace keeps a last line without newline", uri1 + "\nnote", u + "\nnote\n", true},
		{"replace keeps blank lines", "\n\n" + uri1 + "\n\n", "\n\n" + u + "\n\n", true},
		{"replace keeps cr", "pw\r\n" + uri1 + "\r\nx", "pw\r\n" + u + "\r\nx\n", true},
		{"replace uri on line 1", uri1 + "\n", u + "\n", true},
		{"key line not replaced", "pw\notpauth: " + uri1 + "\n", "pw\notpauth: " + uri1 + "\n" + u + "\n", false},
	}
	for _, tc := range tests {
		in := []byte(tc.entry)
		got, replaced := Append(in, u)
		if string(got) != tc.want || replaced != tc.replaced {
			t.Errorf("%s: Append = %q, %v; want %q, %v", tc.name, got, replaced, tc.want, tc.replaced)
		}
		if string(in) != tc.entry {
			t.Errorf("%s: input modified", tc.name)
		}
		if !bytes.Contains(got, []byte(u)) {
			t.Errorf("%s: uri missing", tc.name)
		}
	}
}
