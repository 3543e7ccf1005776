package otp

import "testing"

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"JBSWY3DPEHPK3PXP", "REDACTED"},
		{"otpauth-migration://offline?data=abc", "REDACTED"},
		{" otpauth://totp/a?secret=X", "REDACTED"},
		{"OTPAUTH://totp/a?secret=X", "REDACTED"},
		{"otpauth://totp/?secret=JBSWY3DPEHPK3PXP", "otpauth://totp/?secret=REDACTED"},
		{"otpauth://totp/a?secret=X&issuer=Y", "otpauth://totp/a?secret=REDACTED&issuer=Y"},
		{"otpauth://totp/a?Secret=X&SECRET=Y&secret=Z", "otpauth://totp/a?Secret=REDACTED&SECRET=REDACTED&secret=REDACTED"},
		{"otpauth://totp/a?issuer=x&secret=a=b?c&digits=6", "otpauth://totp/a?issuer=x&secret=REDACTED&digits=6"},
		{"otpauth://totp/a?secret=", "otpauth://totp/a?secret=REDACTED"},
		{"otpauth://totp/a? secret =X", "otpauth://totp/a? secret =REDACTED"},
		{"otpauth://totp/a?xsecret=X", "otpauth://totp/a?xsecret=X"},
		{"otpauth://totp/a", "otpauth://totp/a"},
		{"otpauth://totp/a?secret=X\nY&b", "otpauth://totp/a?secret=REDACTED&b"},
		// secret= off a parameter boundary, in URIs the grammar rejects
		// (a mistyped "?" or "&"): found by internal/difftest.
		{"otpauth://totp/a?b?secret=JBSWY3DPEHPK3PXP", "otpauth://totp/a?b?secret=REDACTED"},
		{"otpauth://totpa?b?secret=JBSWY3DPEHPK3PXP", "otpauth://totpa?b?secret=REDACTED"},
		{"otpauth://totp/a?x=1?secret=JBSWY3DPEHPK3PXP&issuer=I", "otpauth://totp/a?x=1?secret=REDACTED&issuer=I"},
		{"otpauth://totp/a&secret=JBSWY3DPEHPK3PXP", "otpauth://totp/a&secret=REDACTED"},
		{"otpauth://totp/a:b?issuer=x?Secret=JBSWY3DP&digits=6", "otpauth://totp/a:b?issuer=x?Secret=REDACTED&digits=6"},
		{"otpauth://totp/secret=JBSWY3DP?secret=X", "otpauth://totp/secret=REDACTED"},
		{"otpauth://totp/a?x=secret=JBSWY3DP", "otpauth://totp/a?x=secret=REDACTED"},
		{"otpauth://totp/a?secret=a&secret=b&xsecret=c", "otpauth://totp/a?secret=REDACTED&secret=REDACTED&xsecret=c"},
	}
	for _, tc := range tests {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
