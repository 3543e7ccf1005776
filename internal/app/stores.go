package app

// Choosing the store and the encryption for an entry (issue 6): plain pass
// stores (the default), gopass mounts, and passage stores.
//
//   - pass: PREFIX from PASSWORD_STORE_DIR (app.go), .gpg entries, gpgio.
//   - passage: when argv[0] is `passage` (e.g. `exec -a passage passotp`
//     from a passage extension shim), PASSAGE_DIR is set (and neither
//     PASSWORD_STORE_DIR is set nor passotp runs as pass), or with
//     --store=passage / PASSOTP_STORE=passage. The store is $PASSAGE_DIR (~/.passage/store),
//     entries NAME.age, recipients from PASSAGE_RECIPIENTS_FILE,
//     PASSAGE_RECIPIENTS, the nearest .age-recipients, else the identities
//     themselves; decryption with $PASSAGE_IDENTITIES_FILE.
//   - gopass: when passotp is run directly (not as `pass otp`), no
//     PASSWORD_STORE_DIR is set and a gopass configuration exists, or with
//     --store=gopass / PASSOTP_STORE=gopass. NAME is resolved through gopass's mounts
//     (longest mount point wins) to a store directory and a name inside it;
//     a store with .age-recipients (and no .gpg-id) uses age with gopass's
//     keyring (GOPASS_AGE_PASSWORD, else a passphrase prompt on the tty).
//   - --store=pass / PASSOTP_STORE=pass forces pass semantics.
//
// The option --store=KIND of the commands that use a store (code, insert,
// append, uri, ls) wins over PASSOTP_STORE; either one turns the guessing
// above off. Invoked as `pass otp`, passotp keeps pass's semantics unless
// one of them says otherwise: pass has no mounts. The choice is made when
// a command starts ([App.useStore]), once its options are known; help,
// version and validate use no store and make none.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"filippo.io/age/plugin"

	"github.com/passotp/passotp/ageio"
	"github.com/passotp/passotp/otp"
	"github.com/passotp/passotp/passstore"
	"github.com/passotp/passotp/storeconf"
)

// Crypto is what a store needs from an encryption back end: gpgio.Client
// and ageio.Client both provide it.
type Crypto interface {
	passstore.Decrypter
	passstore.Encrypter
	Close() error
}

// storeKind is the family of the store passotp works on.
type storeKind int

const (
	kindPass storeKind = iota
	kindGopass
	kindPassage
)

// storeSet holds what stores.go decided at setup: the kind, and for gopass
// the configuration and the stores opened so far.
type storeSet struct {
	kind    storeKind
	gopass  *storeconf.Config
	passage storeconf.Passage

	gpg     Crypto // the gpgio client app.go opened
	ageGo   Crypto // gopass's age keyring (identities read on first use)
	opened  map[string]*passstore.Store
	mountOf map[*passstore.Store]string

	passageKeys    []string // PASSAGE_RECIPIENTS_FILE / PASSAGE_RECIPIENTS
	passageKeysErr error    // reading PASSAGE_RECIPIENTS_FILE failed

	sel otp.Selector // --line / --label (selector.go)
}

// storeKindError is a --store value that names no store family.
type storeKindError struct{ value string }

func (e *storeKindError) Error() string { return "bad value for --" + flagStore }

// Message is the line printed for it, worded like the other bad option
// values (`--min-remaining abc`): no usage line.
func (e *storeKindError) Message() string {
	return "Error: --" + flagStore + " wants pass, gopass or passage, not '" + e.value + "'."
}

// useStore makes the store choice for a command with the flags c: its
// --store option if given (even empty), else PASSOTP_STORE, else the
// guess of [App.selectStores].
func (a *App) useStore(c codeFlags) error {
	if c.IsSet(flagStore) {
		return a.selectStores(c.String(flagStore), true)
	}
	return a.selectStores("", false)
}

// selectStores runs after setup, before a command touches a store: it
// decides the store kind (flag, when given, is the --store value) and, for
// passage, replaces the store and the crypto. For gopass nothing is opened
// until a name is routed.
func (a *App) selectStores(flag string, given bool) error {
	a.stores.gpg = a.Crypto
	kind := kindPass
	source, forced := "PASSOTP_STORE", a.Getenv("PASSOTP_STORE")
	if given {
		source, forced = "--"+flagStore, flag
	}
	switch {
	case forced == "pass":
	case forced == "gopass":
		kind = kindGopass
	case forced == "passage":
		kind = kindPassage
	case given:
		return &storeKindError{value: flag}
	case forced == "":
		switch {
		case a.Prog == "passage" || (a.Prog != "pass" && a.Getenv("PASSAGE_DIR") != "" && a.Getenv("PASSWORD_STORE_DIR") == ""):
			kind = kindPassage
		case !a.PassMode && a.Prog == "passotp" && storeconf.GopassEnabled(storeconf.Options{Env: a.Environ}):
			kind = kindGopass
		}
	default:
		return &envError{name: "PASSOTP_STORE", value: forced, want: "pass, gopass or passage"}
	}
	a.stores.kind = kind
	switch kind {
	case kindPassage:
		p, err := storeconf.LoadPassage(storeconf.Options{Env: a.Environ})
		if err != nil {
			return err
		}
		a.stores.passage = p
		// Recipients matter only for writes (storeWrite reports the error).
		keys, err := p.Recipients()
		a.stores.passageKeysErr = err
		c, err := ageio.Open(ageio.Options{Mode: ageio.Passage, Env: a.Environ, IdentitiesFiles: []string{p.IdentitiesFile}, Passphrase: a.agePassphrase, PluginUI: a.pluginUI()})
		if err != nil {
			return err
		}
		a.Prefix = p.Dir
		a.Store = a.openStore(p.Dir, storeconf.Age, keys)
		a.stores.passageKeys = keys
		a.Crypto = passageCrypto{c}
	case kindGopass:
		cfg, err := storeconf.LoadGopass(storeconf.Options{Env: a.Environ})
		if err != nil {
			if errors.Is(err, storeconf.ErrNoConfig) {
				return fmt.Errorf("%s=gopass: %w", source, err)
			}
			return err
		}
		a.stores.gopass = cfg
		// Open does no I/O: identities are read on first use.
		c, err := ageio.Open(ageio.Options{Mode: ageio.Gopass, Env: a.Environ, Passphrase: a.agePassphrase, PluginUI: a.pluginUI()})
		if err != nil {
			return err
		}
		a.stores.ageGo = c
	}
	return nil
}

// identitiesToken stands, in a passage store's recipient list, for "the
// identities themselves" (passage's last resort when no recipients file
// exists); passageCrypto turns it into an empty list for ageio.
const identitiesToken = "@passage-identities"

// passageCrypto is ageio for passage: identitiesToken means no explicit
// recipient, which ageio encrypts to the identities' own recipients.
type passageCrypto struct{ *ageio.Client }

func (p passageCrypto) Encrypt(ctx context.Context, dst io.Writer, recipients []string) (io.WriteCloser, error) {
	var rs []string
	for _, r := range recipients {
		if r != identitiesToken {
			rs = append(rs, r)
		}
	}
	return p.Client.Encrypt(ctx, dst, rs)
}

// openStore opens a passstore for a passage or gopass store in dir, with
// the back end's extension and recipients file. keys override the
// recipients file lookup.
func (a *App) openStore(dir string, b storeconf.Backend, keys []string) *passstore.Store {
	return passstore.Open(passstore.Options{
		Dir:            dir,
		Keys:           keys,
		Umask:          a.umask, // as setup applied it
		Env:            a.ChildEnv(),
		Now:            a.Now,
		Ext:            b.Ext(),
		RecipientsFile: b.RecipientsFile(),
		// passage and gopass never sign for pass.signcommits (git's own
		// commit.gpgsign still applies); neither checks .gpg-id.sig.
		IgnoreSignCommits: true,
	})
}

// in points a.Store, a.Crypto and a.Prefix at the store holding name
// and returns the name inside that store. Outside gopass mode it changes
// nothing and returns name (in passage mode it picks the identities as the
// recipients when no .age-recipients applies). Messages keep showing the
// name as given. Call it in a statement of its own before using a.Store
// (Go does not order a field load against a call in one expression).
func (a *App) in(name string) string {
	switch a.stores.kind {
	case kindGopass:
		loc := a.stores.gopass.Resolve(name)
		s, c := a.gopassStore(loc.Store, loc.Backend)
		a.Store, a.Crypto, a.Prefix = s, c, loc.Store.Dir
		return loc.Name
	case kindPassage:
		if len(a.stores.passageKeys) == 0 {
			keys := []string(nil)
			base := a.openStore(a.stores.passage.Dir, storeconf.Age, nil)
			if _, _, err := base.Recipients(name); errors.Is(err, passstore.ErrNoGPGID) {
				keys = []string{identitiesToken}
			}
			a.Store = a.openStore(a.stores.passage.Dir, storeconf.Age, keys)
		}
	}
	return name
}

// gopassStore opens (once) the store and returns it with its crypto.
func (a *App) gopassStore(st storeconf.Store, b storeconf.Backend) (*passstore.Store, Crypto) {
	ss := &a.stores
	if ss.opened == nil {
		ss.opened = map[string]*passstore.Store{}
		ss.mountOf = map[*passstore.Store]string{}
	}
	s := ss.opened[st.Dir]
	if s == nil {
		s = a.openStore(st.Dir, b, nil)
		ss.opened[st.Dir] = s
		ss.mountOf[s] = st.Mount
	}
	if b == storeconf.Age {
		return s, ss.ageGo
	}
	return s, ss.gpg
}

// The store operations of the commands, by the name the user gave: each
// routes the name first (gopass mounts, passage recipients).

func (a *App) storeRead(ctx context.Context, name string) ([]byte, error) {
	inner := a.in(name)
	return a.Store.Read(ctx, inner, a.Crypto)
}

func (a *App) storeWrite(ctx context.Context, name string, content []byte) ([]string, error) {
	if a.stores.kind == kindPassage && a.stores.passageKeysErr != nil {
		return nil, a.stores.passageKeysErr
	}
	inner := a.in(name)
	return a.Store.Write(ctx, inner, content, a.Crypto)
}

func (a *App) storeLock(ctx context.Context, name string, timeout time.Duration) (func(), error) {
	a.in(name)
	if a.stores.kind == kindPassage {
		// passage has no init: its insert creates the store directory.
		if err := os.MkdirAll(a.Store.Dir(), 0o700); err != nil {
			return nil, err
		}
	}
	return a.Store.Lock(ctx, timeout)
}

func (a *App) storeCommit(name, subject string) error {
	inner := a.in(name)
	return a.Store.Commit(inner, subject)
}

func (a *App) storePath(name string) string {
	inner := a.in(name)
	return a.Store.Path(inner)
}

func (a *App) storeExists(name string) bool {
	inner := a.in(name)
	return a.Store.Exists(inner)
}

// closeStores closes the crypto clients stores.go opened.
func (a *App) closeStores() {
	if a.stores.ageGo != nil {
		a.stores.ageGo.Close()
	}
	if a.stores.kind == kindPassage && a.Crypto != nil && a.Crypto != a.stores.gpg {
		a.Crypto.Close()
	}
}

// agePassphrase asks for the passphrase of a protected age identities
// file on the terminal (never from stdin, which may hold input). Without
// a terminal it fails at once, so scripts do not hang.
func (a *App) agePassphrase(file string) ([]byte, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, errors.New("no terminal to ask for the age identities passphrase (set GOPASS_AGE_PASSWORD for gopass stores)")
	}
	defer tty.Close()
	pass, err := readTTYSecret(tty, fmt.Sprintf("Enter passphrase for identity file %q: ", file))
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return pass, nil
}

// readTTYSecret reads one hidden line from the terminal tty (readNoEcho),
// ending with a newline on the terminal.
func readTTYSecret(tty *os.File, prompt string) ([]byte, error) {
	line, eof, err := readNoEcho(tty, tty, prompt)
	fmt.Fprintln(tty)
	if err == nil && eof && len(line) == 0 {
		err = io.EOF
	}
	if err != nil {
		clear(line)
		return nil, err
	}
	return bytes.TrimSuffix(line, []byte("\r")), nil
}

// pluginUI lets age plugins (age-plugin-yubikey, …) talk to the user as the
// age CLI does: messages on stderr, questions on the terminal. Without a
// terminal, questions fail at once.
func (a *App) pluginUI() *plugin.ClientUI {
	var mu sync.Mutex // plugins may run for several entries at once (ls)
	ask := func(prompt string, secret bool) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		if err != nil {
			return "", errors.New("no terminal to answer the age plugin")
		}
		defer tty.Close()
		if secret {
			b, err := readTTYSecret(tty, prompt+" ")
			return string(b), err
		}
		fmt.Fprintf(tty, "%s ", prompt)
		line, err := bufio.NewReader(tty).ReadString('\n')
		return strings.TrimRight(line, "\r\n"), err
	}
	return &plugin.ClientUI{
		DisplayMessage: func(name, msg string) error {
			fmt.Fprintf(a.Stderr, "age-plugin-%s: %s\n", name, msg)
			return nil
		},
		RequestValue: func(name, prompt string, secret bool) (string, error) {
			return ask(prompt, secret)
		},
		Confirm: func(name, prompt, yes, no string) (bool, error) {
			q := prompt + " [" + yes
			if no != "" {
				q += "/" + no
			}
			ans, err := ask(q+"]", false)
			return err == nil && (ans == yes || ans == "" && no == ""), err
		},
		WaitTimer: func(name string) {
			fmt.Fprintf(a.Stderr, "age-plugin-%s: waiting on the plugin (touch your token?)\n", name)
		},
	}
}

// needAge is the text of the ageio.NeedAgeError in err: the ssh key that
// needed the age binary, and to install it.
func needAge(err error) string {
	var ne *ageio.NeedAgeError
	if errors.As(err, &ne) {
		return ne.Error()
	}
	return err.Error()
}

// ageMessage is the decryption message for an age store, worded like the
// age CLI (passage prints age's own lines); ok is false for other errors.
// It names no entry (the caller adds the NAME line), so one bad keyring
// reads the same for every entry.
func ageMessage(err error) (msg string, ok bool) {
	var ie *ageio.IdentityError
	var re *ageio.RecipientError
	var ae *ageio.AgeError
	switch {
	case errors.As(err, &ae): // the age binary ran (ssh keys): its own lines
		return strings.TrimRight(string(ae.Stderr), "\n"), true
	case errors.Is(err, ageio.ErrNeedAgeBinary):
		return "Error: " + needAge(err), true
	case errors.Is(err, ageio.ErrNoMatch):
		return "age: error: no identity matched any of the recipients", true
	case errors.As(err, &ie):
		return "age: error: " + ie.Error(), true
	case errors.As(err, &re):
		return "age: error: " + re.Error(), true
	}
	isAge := errors.Is(err, ageio.ErrNoIdentities) || errors.Is(err, ageio.ErrPassphraseRequired) ||
		errors.Is(err, ageio.ErrBadPassphrase)
	// Drop the store's "decrypt NAME: " wrapping.
	e := err
	for e != nil && strings.HasPrefix(e.Error(), "decrypt ") {
		if u := errors.Unwrap(e); u != nil {
			e = u
			continue
		}
		break
	}
	if e != nil && strings.HasPrefix(e.Error(), "age decrypt: ") {
		return "age: error: " + strings.TrimPrefix(e.Error(), "age decrypt: "), true
	}
	if isAge && e != nil {
		return "age: error: " + e.Error(), true
	}
	return "", false
}

// displayName maps a name inside the current store back to the name the
// user would type (the mount point in front in gopass mode).
func (a *App) displayName(s *passstore.Store, inner string) string {
	if a.stores.kind != kindGopass {
		return inner
	}
	if mp := a.stores.mountOf[s]; mp != "" {
		if inner == "" {
			return mp
		}
		return mp + "/" + inner
	}
	return inner
}

// listStores returns every store of the current kind, with the crypto to
// read it, for ls.
func (a *App) listStores() ([]*passstore.Store, []Crypto, error) {
	if a.stores.kind != kindGopass {
		return []*passstore.Store{a.Store}, []Crypto{a.Crypto}, nil
	}
	var stores []*passstore.Store
	var cryptos []Crypto
	for _, st := range a.stores.gopass.Stores() {
		s, c := a.gopassStore(st, storeconf.DetectBackend(st.Dir))
		stores = append(stores, s)
		cryptos = append(cryptos, c)
	}
	return stores, cryptos, nil
}

// ownsName reports whether full (a display name) resolves to store s; in
// gopass mode a mount inside the root store's tree is listed once, under
// its mount point.
func (a *App) ownsName(s *passstore.Store, full string) bool {
	if a.stores.kind != kindGopass {
		return true
	}
	return a.stores.gopass.Resolve(full).Store.Dir == s.Dir()
}
