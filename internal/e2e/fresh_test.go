package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAWSVaultFresh: aws-vault v6's command line is fixed (`pass otp
// NAME`), so PASSOTP_FRESH=1 in its environment must reach passotp through
// the drop-in and through the extension: two calls within one time step get
// the codes of two consecutive steps. A 3-second period keeps it short.
func TestAWSVaultFresh(t *testing.T) {
	t.Parallel()
	const secret = rfcSecret
	uri := "otpauth://totp/AWS:alice?secret=" + secret + "&period=3"
	s := newSandbox(t)
	s.insert(t, arn, uri+"\n")
	copyFile(t, filepath.Join(root, "scripts/otp.bash"), filepath.Join(s.store, ".extensions/otp.bash"), 0o755)
	drop := dropIn(t)
	for _, tc := range []struct {
		name string
		env  []string
		pass string
	}{
		{"drop-in", s.with("PATH="+drop+":/usr/bin:/bin", "PASSOTP_FRESH=1"), filepath.Join(drop, "pass")},
		{"extension", s.with("PASSWORD_STORE_ENABLE_EXTENSIONS=true", "PASSOTP_BIN="+passotpBin, "PASSOTP_FRESH=1"), "/usr/bin/pass"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var codes []string
			var times []int64
			for i := 0; i < 2; i++ {
				r := runEnv(t, tc.env, nil, tc.pass, "otp", arn)
				times = append(times, time.Now().Unix())
				if r.code != 0 {
					t.Fatalf("call %d: %s", i+1, r)
				}
				codes = append(codes, strings.TrimSpace(r.stdout))
			}
			if codes[0] == codes[1] {
				t.Fatalf("PASSOTP_FRESH=1: the same code twice: %q", codes)
			}
			// The second code is the one of a step after the first's, no later
			// than the step current when it returned.
			found := false
			for ts := times[0] - 3; ts <= times[1]; ts++ {
				if oathtool(t, secret, ts, "-s", "3") == codes[1] && oathtool(t, secret, ts-3, "-s", "3") != codes[1] {
					found = true
				}
			}
			if !found {
				t.Errorf("second code %q is not oathtool's for a step up to %d", codes[1], times[1])
			}
		})
	}
}
