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
	}
	for _, tc := range tests {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
