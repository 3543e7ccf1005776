package gpgio

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// The gpg-agent side of decryption (gpgio.md §8.3–§8.5).

// agentConn is the client's connection to gpg-agent, with the session
// options already sent.
type agentConn struct {
	a    *assuanConn
	used bool // an operation ran; send RESET before the next
}

func (ac *agentConn) close() error {
	if ac == nil {
		return nil
	}
	return ac.a.close()
}

// gpg-error codes (the low 16 bits of an ERR number).
const (
	gpgErrBadPassphrase = 11
	gpgErrNoSecKey      = 17
	gpgErrTimeout       = 62
	gpgErrNoPinEntry    = 85
	gpgErrPinEntry      = 86
	gpgErrCanceled      = 99
	gpgErrFullyCanceled = 198
	gpgErrUnknownOption = 174
	gpgErrAssCanceled   = 277 // IPC call cancelled (CAN to an inquiry)
	gpgErrENOTTY        = 32870
)

// pkdecryptError marks an agent error that came after PKDECRYPT: the
// agent tried the key, so gpg must not be run after it (§8.5).
type pkdecryptError struct{ err error }

func (e *pkdecryptError) Error() string { return "pkdecrypt: " + e.err.Error() }
func (e *pkdecryptError) Unwrap() error { return e.err }

// badResultError is an agent result that does not decode to a session
// key (padding, key wrap or checksum): the key was the wrong one, or the
// message is damaged.
type badResultError struct{ err error }

func (e *badResultError) Error() string { return "session key: " + e.err.Error() }
func (e *badResultError) Unwrap() error { return e.err }

// mapAgentError turns an ERR reply into gpgio's errors.
func mapAgentError(err error) error {
	var ae *AgentError
	if !errors.As(err, &ae) {
		return err
	}
	switch ae.Code {
	case gpgErrNoSecKey:
		return fmt.Errorf("%w (agent: %s)", ErrNoSecretKey, ae.Text)
	case gpgErrBadPassphrase:
		return ErrBadPassphrase
	case gpgErrCanceled, gpgErrFullyCanceled, gpgErrTimeout, gpgErrAssCanceled:
		return ErrCanceled
	case gpgErrENOTTY, gpgErrNoPinEntry, gpgErrPinEntry:
		return ErrNoPinentry
	}
	return ae
}

// agent returns the agent connection, dialling it (and launching the
// agent) on first use and sending the session options.
func (c *Client) agentConn(ctx context.Context) (*agentConn, error) {
	if c.agent != nil && c.agent.a.conn != nil {
		if c.agent.used {
			if _, err := c.agent.a.transact(ctx, "RESET", nil, nil); err != nil {
				c.agent.close()
				c.agent = nil
				return nil, fmt.Errorf("agent: %w", err)
			}
			c.agent.used = false
		}
		return c.agent, nil
	}
	if c.agentErr != nil {
		return nil, c.agentErr
	}
	h, err := c.home()
	if err != nil {
		return nil, err
	}
	a, err := dialAssuan(ctx, h, "S.gpg-agent", "gpg-agent")
	if err != nil {
		if errors.Is(err, ErrNoAgent) {
			c.agentErr = err
		}
		return nil, err
	}
	if c.o.Trace != nil {
		a.trace = c.tracef
	}
	for _, opt := range c.agentOptions() {
		if _, err := a.transact(ctx, "OPTION "+opt, nil, nil); err != nil {
			var ae *AgentError
			if errors.As(err, &ae) && ae.Code == gpgErrUnknownOption {
				continue
			}
			a.close()
			return nil, fmt.Errorf("agent: OPTION %s: %w", strings.SplitN(opt, "=", 2)[0], err)
		}
	}
	c.agent = &agentConn{a: a}
	return c.agent, nil
}

// agentOptions are the OPTION lines gpg sends (§8.3), in order.
func (c *Client) agentOptions() []string {
	var opts []string
	tty := ""
	if isTerminal(c.o.TTY) {
		tty = c.o.TTY
		opts = append(opts, "ttyname="+tty)
	}
	env := c.o.Env
	for _, kv := range []struct{ env, opt string }{
		{"TERM", "ttytype"}, {"DISPLAY", "display"}, {"XAUTHORITY", "xauthority"},
		{"PINENTRY_USER_DATA", "pinentry-user-data"},
	} {
		if v := getenv(env, kv.env); v != "" {
			opts = append(opts, kv.opt+"="+v)
		}
	}
	if tty != "" {
		ctype, messages := locale(env)
		if ctype != "" {
			opts = append(opts, "lc-ctype="+ctype)
		}
		if messages != "" {
			opts = append(opts, "lc-messages="+messages)
		}
	}
	for _, name := range []string{"WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "QT_QPA_PLATFORM", "XMODIFIERS",
		"GTK_IM_MODULE", "QT_IM_MODULE", "DBUS_SESSION_BUS_ADDRESS", "INSIDE_EMACS", "PINENTRY_GEOM_HINT"} {
		if v, ok := lookupEnv(env, name); ok && v != "" {
			opts = append(opts, "putenv="+name+"="+v)
		}
	}
	if c.o.Passphrase != nil {
		opts = append(opts, "pinentry-mode=loopback")
	}
	for i, o := range opts {
		opts[i] = escapeOption(o)
	}
	return opts
}

// escapeOption keeps an option value on one line.
func escapeOption(s string) string {
	if !strings.ContainsAny(s, "%\r\n") {
		return s
	}
	return string(percentEscape([]byte(s)))
}

// locale is what setlocale(LC_CTYPE/LC_MESSAGES, "") would pick from env.
func locale(env []string) (ctype, messages string) {
	pick := func(cat string) string {
		for _, n := range []string{"LC_ALL", cat, "LANG"} {
			if v := getenv(env, n); v != "" {
				return v
			}
		}
		return ""
	}
	return pick("LC_CTYPE"), pick("LC_MESSAGES")
}

// isTerminal reports whether name is a terminal device (Linux tty, pty
// and console majors), without opening it. "not a tty", /dev/null and
// other non-terminals are rejected: sending them makes pinentry-curses hang.
func isTerminal(name string) bool {
	if !strings.HasPrefix(name, "/dev/") {
		return false
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	rdev := uint64(st.Rdev)
	major := (rdev>>8)&0xfff | (rdev>>32)&^0xfff
	switch {
	case major == 4, major == 5, major >= 136 && major <= 143:
		return true
	}
	return false
}

// agentDecrypt asks the agent to open pk with the candidate key. It
// returns algo ‖ key ‖ sum16. errSkip-class errors (the agent does not
// hold the key) wrap ErrNoSecretKey.
func (c *Client) agentDecrypt(ctx context.Context, ac *agentConn, grip [20]byte, cand candidate, f *pkeskFields) ([]byte, error) {
	a := ac.a
	ac.used = true
	gripHex := strings.ToUpper(hex.EncodeToString(grip[:]))
	if _, err := a.transact(ctx, "HAVEKEY "+gripHex, nil, nil); err != nil {
		return nil, mapAgentError(err)
	}
	var ecdh *ecdhKDFParams
	if f.algo == packet.PubKeyAlgoECDH {
		var err error
		if ecdh, err = ecdhParams(cand.pub); err != nil {
			return nil, err
		}
	}
	if c.o.Passphrase == nil {
		ok, err := c.canPrompt(ctx, a, gripHex)
		if err != nil {
			return nil, mapAgentError(err)
		}
		if !ok {
			return nil, ErrNoPinentry
		}
	}
	if _, err := a.transact(ctx, "SETKEY "+gripHex, nil, nil); err != nil {
		return nil, mapAgentError(err)
	}
	desc := keyDescription(cand.pub, cand.primary, cand.uid)
	if _, err := a.transact(ctx, "SETKEYDESC "+percentPlusEscape(desc), nil, nil); err != nil {
		return nil, mapAgentError(err)
	}
	sexp := ciphertextSexp(f)
	padding := -1
	inquire := func(kw string) ([]byte, error) {
		switch kw {
		case "CIPHERTEXT":
			return sexp, nil
		case "PASSPHRASE":
			if c.o.Passphrase == nil {
				return nil, errors.New("no passphrase callback")
			}
			return c.o.Passphrase(ctx, desc)
		}
		return nil, fmt.Errorf("unexpected inquiry %s", kw)
	}
	status := func(kw, args string) {
		if kw == "PADDING" {
			if n, err := fmt.Sscanf(args, "%d", &padding); n != 1 || err != nil {
				padding = -1
			}
		}
	}
	data, err := a.transact(ctx, "PKDECRYPT", inquire, status)
	if err != nil {
		err = mapAgentError(err)
		var ae *AgentError
		if errors.As(err, &ae) {
			return nil, &pkdecryptError{err}
		}
		return nil, err
	}
	defer zero(data)
	value, err := parseValueSexp(data)
	if err != nil {
		return nil, &pkdecryptError{&badResultError{err}}
	}
	var m []byte
	switch f.algo {
	case packet.PubKeyAlgoECDH:
		m, err = ecdhUnwrap(ecdh, value, f.wrapped)
	default:
		m = value
		if padding != 0 {
			m, err = stripPKCS1(value)
		}
	}
	if err != nil {
		var ue *UnsupportedError
		if errors.As(err, &ue) {
			return nil, err
		}
		return nil, &pkdecryptError{&badResultError{err}}
	}
	return append([]byte(nil), m...), nil
}

// keyDescription is gpg's SETKEYDESC text for the key pub (a subkey of
// primary, or primary itself) with user ID uid, for decryption and signing
// alike: "(main key ID …)" is added only for a subkey.
func keyDescription(pub, primary *packet.PublicKey, uid string) string {
	bits, _ := pub.BitLength()
	algo := "?"
	switch pub.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly:
		algo = "RSA"
	case packet.PubKeyAlgoElGamal:
		algo = "ELG"
	case packet.PubKeyAlgoECDH, packet.PubKeyAlgoECDSA:
		algo = "ECDH"
		if pub.PubKeyAlgo == packet.PubKeyAlgoECDSA {
			algo = "ECDSA"
		}
		if f, err := readPubKeyFields(pub); err == nil {
			if n := curveBits(f.oid); n > 0 {
				bits = uint16(n)
			}
		}
	case packet.PubKeyAlgoEdDSA:
		algo, bits = "EDDSA", 255
	}
	main := ""
	if primary != nil && primary.KeyId != pub.KeyId {
		main = fmt.Sprintf(" (main key ID %016X)", primary.KeyId)
	}
	return fmt.Sprintf("Please enter the passphrase to unlock the OpenPGP secret key:\n\"%s\"\n%d-bit %s key, ID %016X,\ncreated %s%s.\n",
		uid, bits, algo, pub.KeyId, pub.CreationTime.UTC().Format(time.DateOnly), main)
}

// canPrompt reports whether PKDECRYPT may go ahead without a passphrase
// callback. It says no only when the key is certainly locked (a protected
// key file whose passphrase is not cached) and pinentry certainly has
// nowhere to ask: no terminal and no display, neither ours nor the agent's
// defaults. gpg-agent needs about a second to find that out by starting
// pinentry; the issue demands a clear error well within one second.
func (c *Client) canPrompt(ctx context.Context, a *assuanConn, gripHex string) (bool, error) {
	var info []string
	if _, err := a.transact(ctx, "KEYINFO "+gripHex, nil, func(kw, args string) {
		if kw == "KEYINFO" {
			info = strings.Fields(args)
		}
	}); err != nil {
		var ae *AgentError
		if errors.As(err, &ae) && ae.Code != gpgErrNoSecKey {
			return true, nil // an old or odd agent: let it decide
		}
		return false, err
	}
	// <grip> <type> <serialno> <idstr> <cached> <protection> ...
	if len(info) < 6 || info[1] != "D" || info[5] != "P" || info[4] == "1" {
		return true, nil
	}
	if isTerminal(c.o.TTY) || getenv(c.o.Env, "DISPLAY") != "" || getenv(c.o.Env, "WAYLAND_DISPLAY") != "" {
		return true, nil
	}
	for _, what := range []string{"std_session_env", "std_startup_env"} {
		d, err := a.transact(ctx, "GETINFO "+what, nil, nil)
		if err != nil {
			return true, nil
		}
		for _, kv := range strings.Split(string(d), "\x00") {
			name, value, _ := strings.Cut(strings.TrimSpace(kv), "=")
			switch name {
			case "DISPLAY", "WAYLAND_DISPLAY":
				if value != "" {
					return true, nil
				}
			case "GPG_TTY":
				if isTerminal(value) {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

// curveBits is gpg's size of an ECDH curve (the MPI bit length of the
// point would count the prefix byte).
func curveBits(oid []byte) int {
	switch hex.EncodeToString(oid) {
	case "2b060104019755010501": // Curve25519
		return 255
	case "2a8648ce3d030107", "2b2403030208010107": // NIST P-256, brainpoolP256r1
		return 256
	case "2b81040022", "2b240303020801010b": // NIST P-384, brainpoolP384r1
		return 384
	case "2b240303020801010d": // brainpoolP512r1
		return 512
	case "2b81040023": // NIST P-521
		return 521
	case "2b656f": // X448
		return 448
	}
	return 0
}
