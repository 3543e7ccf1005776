package gpgio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Mode chooses between the native path and the gpg program.
type Mode int

const (
	// Auto decrypts and encrypts natively and runs gpg only where
	// gpgio.md §10 allows it (unsupported input, no key held natively, no
	// agent). It is the zero value.
	Auto Mode = iota
	// NativeOnly never runs gpg; where Auto would, it returns the
	// native error (*UnsupportedError, ErrNoSecretKey, ErrNoAgent).
	NativeOnly
	// GPGOnly always runs gpg, with pass's own command lines.
	GPGOnly
)

// String returns "auto", "native" or "gpg", the values of PASSOTP_GPG.
func (m Mode) String() string {
	switch m {
	case Auto:
		return "auto"
	case NativeOnly:
		return "native"
	case GPGOnly:
		return "gpg"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses the values of PASSOTP_GPG: "native", "gpg" or "auto"
// ("" means auto).
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "auto":
		return Auto, nil
	case "native":
		return NativeOnly, nil
	case "gpg":
		return GPGOnly, nil
	}
	return Auto, fmt.Errorf("unknown gpg mode %q (want native, gpg or auto)", s)
}

// Options configure a [Client]. A zero field means the documented default.
type Options struct {
	Home    string   // GnuPG home; "" means GNUPGHOME from Env, else $HOME/.gnupg
	GPG     string   // "" means "gpg2" if on PATH, else "gpg" (as pass)
	GPGArgs []string // PASSWORD_STORE_GPG_OPTS, word-split by the caller
	Mode    Mode
	Env     []string // the environment (cmd passes os.Environ()); gpgio never calls os.Getenv
	TTY     string   // terminal for pinentry (gpgio.md §8.3); "" means none
	// Passphrase, when set, answers the agent's passphrase inquiry
	// (pinentry loopback). nil means the agent's own pinentry.
	Passphrase func(ctx context.Context, desc string) ([]byte, error)
	Now        func() time.Time // nil means time.Now
	Trace      io.Writer        // protocol trace with secrets elided; nil means off
}

// Client decrypts and encrypts pass entries with the keys of one GnuPG
// home. It loads nothing until first used, caches the keyring index, parsed
// key files and the agent connection, and is safe for concurrent use
// (operations are serialised). Close it to release the agent connection.
type Client struct {
	o Options

	mu sync.Mutex

	homeDone bool
	h        *home
	homeErr  error

	krDone bool
	kr     *keyring
	krErr  error

	agent    *agentConn
	agentErr error // sticky ErrNoAgent

	keys map[[20]byte]*packet.PrivateKey // unprotected keys parsed so far

	// agentOnly skips pass one (key files), for tests and benchmarks of
	// the agent path with unprotected keys.
	agentOnly bool
}

// Open returns a client for o. It is cheap: nothing is read and no process
// or connection is started until the first Decrypt or Encrypt.
func Open(o Options) (*Client, error) {
	switch o.Mode {
	case Auto, NativeOnly, GPGOnly:
	default:
		return nil, fmt.Errorf("gpgio: invalid mode %d", int(o.Mode))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Client{o: o}, nil
}

// Close releases the agent connection, if any, and forgets cached keys.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	if c.agent != nil {
		err = c.agent.close()
		c.agent = nil
	}
	c.keys = nil
	if c.kr != nil {
		if kerr := c.kr.close(); err == nil {
			err = kerr
		}
		c.kr, c.krDone = nil, false
	}
	return err
}

// maxCiphertext bounds the entry read into memory.
const maxCiphertext = 64 << 20

// Decrypt reads a whole OpenPGP message from ciphertext and returns its
// plaintext once its integrity has been verified.
//
// In [Auto] mode it falls back to gpg only when the native path cannot
// handle the message (see gpgio.md §10); a bad passphrase, a cancel, a
// missing pinentry or an integrity failure are reported, never retried.
func (c *Client) Decrypt(ctx context.Context, ciphertext io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(ciphertext, maxCiphertext+1))
	if err != nil {
		return nil, fmt.Errorf("read ciphertext: %w", err)
	}
	if len(data) > maxCiphertext {
		return nil, fmt.Errorf("read ciphertext: message larger than %d bytes", maxCiphertext)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.o.Mode == GPGOnly {
		return c.gpgDecrypt(ctx, data)
	}
	pt, err := c.decryptNative(ctx, data)
	if err == nil || c.o.Mode == NativeOnly || !fallbackAllowed(err) {
		return pt, err
	}
	c.tracef("gpgio: native decrypt: %v; running gpg", err)
	pt, gerr := c.gpgDecrypt(ctx, data)
	if errors.Is(gerr, ErrNoGPG) {
		if errors.Is(err, ErrNoSecretKey) || errors.Is(err, ErrNoAgent) {
			return nil, err // gpg could only have said more; say what we know
		}
		return nil, fmt.Errorf("%w (needed because of: %v)", ErrNoGPG, err)
	}
	return pt, gerr
}

// fallbackAllowed reports whether a native decrypt error lets Auto mode
// try gpg (gpgio.md §10).
func fallbackAllowed(err error) bool {
	var ue *UnsupportedError
	var ae *AgentError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.Is(err, ErrBadPassphrase), errors.Is(err, ErrCanceled),
		errors.Is(err, ErrNoPinentry), errors.Is(err, ErrIntegrity):
		return false
	case errors.As(err, &ue), errors.Is(err, ErrNoSecretKey), errors.Is(err, ErrNoAgent):
		return true
	case errors.As(err, &ae):
		// Agent errors before PKDECRYPT are returned as *AgentError;
		// those after it are wrapped in errAfterPKDecrypt.
		var late *pkdecryptError
		return !errors.As(err, &late)
	}
	return false
}

// Encrypt returns a writer that encrypts what is written to it for the
// given .gpg-id lines and writes the binary message to dst; Close finishes
// the message and must be checked.
//
// It encrypts natively (SEIPD v1, AES-256, no compression) only when every
// line resolves to exactly one of the user's own keys (gpgio.md §5); other
// messages are made by gpg with pass's command line.
func (c *Client) Encrypt(ctx context.Context, dst io.Writer, recipients []string) (io.WriteCloser, error) {
	if len(recipients) == 0 {
		return nil, errors.New("encrypt: no recipients")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.o.Mode == GPGOnly {
		return c.gpgEncrypt(ctx, dst, recipients)
	}
	w, err := c.encrypt(ctx, dst, recipients)
	if err == nil || c.o.Mode == NativeOnly {
		return w, err
	}
	var ge *GPGError
	if errors.As(err, &ge) || errors.Is(err, ErrNoGPG) || ctx.Err() != nil {
		return nil, err
	}
	// Nothing has been written to dst yet: let gpg make the message.
	c.tracef("gpgio: native encrypt: %v; running gpg", err)
	return c.gpgEncrypt(ctx, dst, recipients)
}

// home returns the GnuPG home, computing it on first use.
func (c *Client) home() (*home, error) {
	if !c.homeDone {
		c.h, c.homeErr = newHome(c.o.Home, c.o.Env)
		c.homeDone = true
	}
	return c.h, c.homeErr
}

// keyring returns the public keyring index, opening it on first use.
func (c *Client) keyring() (*keyring, error) {
	if !c.krDone {
		h, err := c.home()
		if err != nil {
			return nil, err
		}
		c.kr, c.krErr = openKeyring(h)
		c.krDone = true
	}
	return c.kr, c.krErr
}

// tracef writes one trace line when tracing is on. Never pass a secret.
func (c *Client) tracef(format string, args ...any) {
	if c.o.Trace == nil {
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, format, args...)
	b.WriteByte('\n')
	c.o.Trace.Write(b.Bytes())
}

// getenv looks name up in env (the last assignment wins, as in exec).
func getenv(env []string, name string) string {
	v, _ := lookupEnv(env, name)
	return v
}

func lookupEnv(env []string, name string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		kv := env[i]
		if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
			return kv[len(name)+1:], true
		}
	}
	return "", false
}
