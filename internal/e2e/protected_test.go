package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

// TestAWSVaultProtectedKey: aws-vault gives no terminal, so with a
// passphrase-protected key and an empty agent cache `pass otp ARN` must
// fail (exit 1, nothing on stdout, a reason on stderr) instead of waiting
// for a pinentry nobody can answer. The one-minute limit of runEnv is the
// hang guard.
func TestAWSVaultProtectedKey(t *testing.T) {
	s := newSandbox(t)
	if r := s.run(t, nil, "pass", "init", testkeys.Protected.Fpr); r.code != 0 {
		t.Fatalf("pass init: %s", r)
	}
	s.insert(t, arn, uriAWS+"\n") // encryption needs only the public key
	drop := dropIn(t)
	start := time.Now()
	r := runEnv(t, s.with("PATH="+drop+":/usr/bin:/bin"), nil, filepath.Join(drop, "pass"), "otp", arn)
	if r.code != 1 || r.stdout != "" || strings.TrimSpace(r.stderr) == "" {
		t.Errorf("got %s\nwant exit 1, empty stdout, a reason on stderr", r)
	}
	t.Logf("failed after %v with %q", time.Since(start).Round(time.Millisecond), r.stderr)
}
