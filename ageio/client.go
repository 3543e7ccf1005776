package ageio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"filippo.io/age"
	"filippo.io/age/armor"
	"filippo.io/age/plugin"
)

// ErrNoMatch means none of the identities can open the file.
var ErrNoMatch = errors.New("no age identity matches the file's recipients")

// maxPlaintext bounds what Decrypt returns; pass entries are small.
const maxPlaintext = 64 << 20

// maxCiphertext bounds what Decrypt reads: the plaintext, age's 16 bytes
// per 64 KiB chunk, and room for a large header or armor.
const maxCiphertext = maxPlaintext*4/3 + 1<<20

// Mode selects the conventions of the tool that owns the store.
type Mode int

const (
	// Passage follows passage: identities in $PASSAGE_IDENTITIES_FILE
	// (default ~/.passage/identities).
	Passage Mode = iota
	// Gopass follows gopass's age back end: identities in gopass's
	// scrypt-protected keyring plus ~/.passage/identities; its own
	// recipients are always added on encryption.
	Gopass
)

func (m Mode) String() string {
	if m == Gopass {
		return "gopass"
	}
	return "passage"
}

// Options configure a [Client]. The zero value means passage mode with the
// identities file found through Env.
type Options struct {
	Mode Mode
	// Env is the environment, as os.Environ would give it (the last
	// assignment of a name wins). HOME, PASSAGE_IDENTITIES_FILE,
	// GOPASS_HOMEDIR, GOPASS_SSH_DIR, XDG_CONFIG_HOME and
	// GOPASS_AGE_PASSWORD are read; PATH and (passage) PASSAGE_AGE find
	// the age binary for ssh keys (without PATH here only a PASSAGE_AGE
	// holding a slash is found; an empty PATH element is the current
	// directory), which runs with this environment less GIT_* and
	// GOPASS_AGE_PASSWORD.
	Env []string
	// IdentitiesFiles, when set, replaces the mode's list of identities
	// files. Missing files are skipped.
	IdentitiesFiles []string
	// Passphrase returns the passphrase of a protected identities file
	// (named by file). It is called at most once per Client. Nil means no
	// passphrase can be asked: protected files fail with
	// [ErrPassphraseRequired]. The slice is cleared after use. It is not
	// used for ssh keys: the age binary asks for theirs on the terminal.
	Passphrase func(file string) ([]byte, error)
	// PluginUI lets plugins (age-plugin-yubikey, …) talk to the user:
	// messages such as "touch your key", PIN requests, confirmations. Nil
	// means plugins cannot ask anything (they fail if they must).
	PluginUI *plugin.ClientUI
}

// Client decrypts and encrypts age files with one set of identities. It is
// safe for concurrent use; identities are loaded once, on first need.
type Client struct {
	opts  Options
	files []string

	// ageMu runs one age process at a time: `ls --codes` decrypts in
	// parallel, and two ages asking for passphrases on one terminal would
	// mix their prompts.
	ageMu sync.Mutex

	mu     sync.Mutex
	loaded bool
	ids    []age.Identity
	own    []age.Identity // whose recipients Encrypt adds (see IdentityRecipients)
	err    error
}

// Open returns a Client. It does no I/O: identities are read on first use.
func Open(o Options) (*Client, error) {
	files := o.IdentitiesFiles
	if len(files) == 0 {
		var err error
		files, err = IdentitiesFiles(o.Mode, o.Env)
		if err != nil {
			return nil, err
		}
	}
	return &Client{opts: o, files: files}, nil
}

// IdentitiesFiles returns the identities files the mode reads, in order,
// derived from env. Passage: $PASSAGE_IDENTITIES_FILE or
// $HOME/.passage/identities. Gopass: gopass's keyring
// (GOPASS_HOMEDIR/.config/gopass/age/identities, else
// $XDG_CONFIG_HOME/gopass/age/identities, else
// $HOME/.config/gopass/age/identities) followed by the passage file in the
// user's home (GOPASS_HOMEDIR or HOME).
func IdentitiesFiles(m Mode, env []string) ([]string, error) {
	home, _ := lookup(env, "HOME")
	switch m {
	case Gopass:
		userHome := home
		var cfg string
		if hd, ok := lookup(env, "GOPASS_HOMEDIR"); ok && hd != "" {
			userHome = hd
			cfg = filepath.Join(hd, ".config", "gopass")
		} else if x, ok := lookup(env, "XDG_CONFIG_HOME"); ok && x != "" {
			cfg = filepath.Join(x, "gopass")
		} else if home != "" {
			cfg = filepath.Join(home, ".config", "gopass")
		}
		if cfg == "" || userHome == "" {
			return nil, errors.New("cannot locate the gopass age keyring: HOME is not set")
		}
		return []string{filepath.Join(cfg, "age", "identities"), filepath.Join(userHome, ".passage", "identities")}, nil
	default:
		if f, ok := lookup(env, "PASSAGE_IDENTITIES_FILE"); ok && f != "" {
			return []string{f}, nil
		}
		if home == "" {
			return nil, errors.New("cannot locate the passage identities: HOME is not set")
		}
		return []string{filepath.Join(home, ".passage", "identities")}, nil
	}
}

// lookup finds name in env; the last assignment wins, as with getenv.
func lookup(env []string, name string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// Identities loads (once) and returns the client's identities.
func (c *Client) Identities() ([]age.Identity, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		c.ids, c.own, c.err = c.load()
		c.loaded = true
	}
	return c.ids, c.err
}

func (c *Client) load() (ids, own []age.Identity, err error) {
	asked := false
	for i, f := range c.files {
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, &IdentityError{File: f, Err: err}
		}
		got, err := c.parseFile(f, data, &asked)
		clear(data)
		if err != nil {
			var ie *IdentityError
			if errors.As(err, &ie) && ie.File == "" {
				ie.File = f
				return nil, nil, ie
			}
			return nil, nil, &IdentityError{File: f, Err: err}
		}
		ids = append(ids, got...)
		// gopass adds the recipients of its own keyring (the first file)
		// only; passage those of its identities.
		if c.opts.Mode != Gopass || i == 0 {
			own = append(own, got...)
		}
	}
	if c.opts.Mode == Gopass {
		// gopass also decrypts with the ssh keys in ~/.ssh.
		if d := sshDir(c.opts.Env); d != "" {
			ids = append(ids, sshIdentities(d)...)
		}
	}
	if len(ids) == 0 {
		return nil, nil, fmt.Errorf("%w: none of %s exists", ErrNoIdentities, strings.Join(c.files, ", "))
	}
	return ids, own, nil
}

func (c *Client) parseFile(name string, data []byte, asked *bool) ([]age.Identity, error) {
	enc, armored := isEncrypted(data)
	if !enc {
		ids, err := parseIdentities(data, c.opts.PluginUI)
		for _, id := range ids {
			if s, ok := id.(*SSHIdentity); ok {
				// The age binary reads the key from this file.
				s.File = name
				readPubFile(s)
			}
		}
		return ids, err
	}
	var pass []byte
	if v, ok := lookup(c.opts.Env, "GOPASS_AGE_PASSWORD"); ok && c.opts.Mode == Gopass {
		pass = []byte(v)
	} else {
		if c.opts.Passphrase == nil || *asked {
			return nil, ErrPassphraseRequired
		}
		*asked = true
		var err error
		pass, err = c.opts.Passphrase(name)
		if err != nil {
			return nil, fmt.Errorf("read passphrase: %w", err)
		}
	}
	defer clear(pass)
	return decryptIdentities(data, armored, pass, c.opts.PluginUI)
}

// Decrypt reads an age file (binary or armored) from r and returns its
// plaintext once every chunk is authenticated. The native identities are
// tried first; only when none opens the file and one of its stanzas is for
// an ssh identity does Decrypt run `age --decrypt -i KEYFILE` (a
// [*NeedAgeError] when age is not installed, an [*AgeError] when it fails).
func (c *Client) Decrypt(ctx context.Context, r io.Reader) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ids, err := c.Identities()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, maxCiphertext+1))
	if err != nil {
		return nil, fmt.Errorf("age decrypt: %w", err)
	}
	if len(data) > maxCiphertext {
		return nil, fmt.Errorf("age decrypt: %w", errTooLarge)
	}
	var (
		native []age.Identity
		probe  sshProbe
	)
	for _, id := range ids {
		if s, ok := id.(*SSHIdentity); ok {
			probe.ids = append(probe.ids, s)
		} else {
			native = append(native, id)
		}
	}
	if len(probe.ids) > 0 {
		// age tries the native types first and the rest in order: the
		// probe comes after every identity ageio can use itself.
		native = append(native, &probe)
	}
	var src io.Reader = bytes.NewReader(data)
	if head := data[:min(len(data), len(armor.Header)+64)]; strings.HasPrefix(strings.TrimSpace(string(head)), armor.Header) {
		src = armor.NewReader(bytes.NewReader(data))
	}
	pr, err := age.Decrypt(src, native...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		var use *useAgeError
		switch {
		case errors.As(err, &use):
			return c.decryptWithAge(ctx, data, use.ids)
		case errors.As(err, &nm):
			return nil, ErrNoMatch
		}
		return nil, fmt.Errorf("age decrypt: %w", err)
	}
	plain, err := io.ReadAll(io.LimitReader(pr, maxPlaintext+1))
	if err != nil {
		clear(plain)
		return nil, fmt.Errorf("age decrypt: %w", err)
	}
	if len(plain) > maxPlaintext {
		clear(plain)
		return nil, fmt.Errorf("age decrypt: %w", errTooLarge)
	}
	return plain, nil
}

// sshProbe stands for the ssh identities in the list given to age.Decrypt:
// when a stanza is for one of them it stops the native attempt with a
// *useAgeError naming the keys to give the age binary.
type sshProbe struct{ ids []*SSHIdentity }

type useAgeError struct{ ids []*SSHIdentity }

func (e *useAgeError) Error() string { return "ssh identity: decrypt with the age binary" }

func (p *sshProbe) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	var use []*SSHIdentity
	for _, id := range p.ids {
		if id.matches(stanzas) {
			use = append(use, id)
		}
	}
	if len(use) == 0 {
		return nil, age.ErrIncorrectIdentity
	}
	return nil, &useAgeError{ids: use}
}

// Encrypt returns a writer whose plaintext is encrypted to recipients (see
// [ParseRecipients]) and written to dst; Close finishes the file. With no
// recipients, or always in [Gopass] mode, the identities' own recipients are
// added, which loads the identities. When every recipient is native the
// file is written in process; when one is an ssh key, by `age --encrypt`
// with the same recipients (its absence is a [*NeedAgeError], returned
// before anything is written).
func (c *Client) Encrypt(ctx context.Context, dst io.Writer, recipients []string) (io.WriteCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rs, err := parseRecipients(recipients, c.opts.PluginUI)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 || c.opts.Mode == Gopass {
		own, err := c.IdentityRecipients()
		if err != nil {
			return nil, err
		}
		rs = append(rs, own...)
	}
	rs = dedupe(rs)
	if len(rs) == 0 {
		return nil, ErrNoRecipients
	}
	for _, r := range rs {
		if s, ok := r.(*SSHRecipient); ok {
			return c.encryptWithAge(ctx, dst, rs, shorten(s.String()))
		}
	}
	w, err := age.Encrypt(dst, rs...)
	if err != nil {
		return nil, fmt.Errorf("age encrypt: %w", err)
	}
	return w, nil
}

// Close forgets the loaded identities (best effort: the key material is
// dropped, not wiped). The Client loads them again if used afterwards.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids, c.own, c.err, c.loaded = nil, nil, nil, false
	return nil
}

// IdentityRecipients returns the public recipients of the client's own
// identities: in [Passage] mode those of the identities files, in [Gopass]
// mode those of gopass's keyring only (not ~/.passage/identities nor ssh
// keys), as gopass adds them.
func (c *Client) IdentityRecipients() ([]age.Recipient, error) {
	if _, err := c.Identities(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	own := c.own
	c.mu.Unlock()
	var rs []age.Recipient
	for _, id := range own {
		if r := recipientOf(id); r != nil {
			rs = append(rs, r)
		}
	}
	return rs, nil
}

func dedupe(rs []age.Recipient) []age.Recipient {
	seen := make(map[string]bool, len(rs))
	out := rs[:0]
	for _, r := range rs {
		k := recipientKey(r)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	return out
}
