package ageio_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"filippo.io/age"
	"filippo.io/age/plugin"

	"github.com/passotp/passotp/ageio"
)

// buildPlugin builds testdata/testplugin as age-plugin-passotptest and puts
// it first on PATH, where both the age CLI and ageio look for plugins.
func buildPlugin(t *testing.T) {
	t.Helper()
	bin := t.TempDir()
	out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "age-plugin-passotptest"), "./testdata/testplugin").CombinedOutput()
	if err != nil {
		t.Fatalf("build the test plugin: %v\n%s", err, out)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestPluginInterop: a passage user's plugin identity (as with
// age-plugin-yubikey): files age encrypts to the plugin recipient decrypt
// with ageio, and the other way round; the plugin's messages reach the UI.
func TestPluginInterop(t *testing.T) {
	requireTool(t, "age")
	buildPlugin(t)
	dir := t.TempDir()
	x, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	pid := plugin.EncodeIdentity("passotptest", []byte(x.String()))
	prcp := plugin.EncodeRecipient("passotptest", []byte(x.Recipient().String()))
	ids := filepath.Join(dir, "identities")
	if err := os.WriteFile(ids, []byte("# age-plugin-passotptest\n"+pid+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var msgs []string
	c, err := ageio.Open(ageio.Options{Env: []string{"PASSAGE_IDENTITIES_FILE=" + ids}, PluginUI: &plugin.ClientUI{
		DisplayMessage: func(name, m string) error {
			mu.Lock()
			msgs = append(msgs, name+": "+m)
			mu.Unlock()
			return nil
		},
	}})
	if err != nil {
		t.Fatal(err)
	}

	// age writes for the plugin recipient, ageio reads through the plugin.
	ct := run(t, []byte(entry), "age", "-e", "-r", prcp)
	got, err := c.Decrypt(context.Background(), bytes.NewReader(ct))
	if err != nil || string(got) != entry {
		t.Fatalf("Decrypt via the plugin = (%q, %v)", got, err)
	}
	if len(msgs) == 0 || !strings.Contains(msgs[0], "pretend to touch the token") {
		t.Errorf("plugin messages = %q", msgs)
	}

	// ageio writes (to the plugin recipient, and to the identity's own
	// recipient when none is given), age reads through the plugin.
	for _, rs := range [][]string{{prcp}, nil} {
		ct := encryptString(t, c, entry, rs)
		f := filepath.Join(dir, "p.age")
		os.WriteFile(f, ct, 0o600)
		if got := string(run(t, nil, "age", "-d", "-i", ids, f)); got != entry {
			t.Errorf("recipients %q: age -d = %q", rs, got)
		}
	}
}

// TestPluginMissing: a plugin identity whose binary is not installed gives
// a clear error naming the plugin, not a panic or a hang.
func TestPluginMissing(t *testing.T) {
	x, _ := age.GenerateX25519Identity()
	ids := filepath.Join(t.TempDir(), "identities")
	os.WriteFile(ids, []byte(plugin.EncodeIdentity("nosuchplugin", []byte(x.String()))+"\n"), 0o600)
	c, _ := ageio.Open(ageio.Options{IdentitiesFiles: []string{ids}})
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, x.Recipient())
	w.Write([]byte(entry))
	w.Close()
	_, err := c.Decrypt(context.Background(), &buf)
	if err == nil || !strings.Contains(err.Error(), "nosuchplugin") {
		t.Errorf("Decrypt without the plugin binary: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "AGE-") {
		t.Errorf("error shows key material: %v", err)
	}
}
