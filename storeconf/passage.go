package storeconf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Passage describes a passage store and where its keys are.
type Passage struct {
	Dir            string // $PASSAGE_DIR, default ~/.passage/store
	IdentitiesFile string // $PASSAGE_IDENTITIES_FILE, default ~/.passage/identities
	RecipientsFile string // $PASSAGE_RECIPIENTS_FILE, "" when unset
	RecipientsEnv  string // $PASSAGE_RECIPIENTS, "" when unset
}

// LoadPassage reads passage's environment. It does no I/O.
func LoadPassage(o Options) (Passage, error) {
	home := lookup(o.Env, "HOME")
	p := Passage{
		Dir:            lookup(o.Env, "PASSAGE_DIR"),
		IdentitiesFile: lookup(o.Env, "PASSAGE_IDENTITIES_FILE"),
		RecipientsFile: lookup(o.Env, "PASSAGE_RECIPIENTS_FILE"),
		RecipientsEnv:  lookup(o.Env, "PASSAGE_RECIPIENTS"),
	}
	if (p.Dir == "" || p.IdentitiesFile == "") && home == "" {
		return Passage{}, errors.New("cannot locate the passage store: HOME is not set")
	}
	if p.Dir == "" {
		p.Dir = filepath.Join(home, ".passage", "store")
	}
	if p.IdentitiesFile == "" {
		p.IdentitiesFile = filepath.Join(home, ".passage", "identities")
	}
	return p, nil
}

// PassageEnabled reports whether the environment selects passage: a
// non-empty PASSAGE_DIR. (The command also selects it when argv[0] is
// passage.)
func PassageEnabled(o Options) bool {
	return lookup(o.Env, "PASSAGE_DIR") != ""
}

// Recipients returns the recipients that override the per-directory
// .age-recipients lookup: the lines of $PASSAGE_RECIPIENTS_FILE, else the
// words of $PASSAGE_RECIPIENTS; nil when neither is set. Recipients files
// keep whole lines (ssh keys contain spaces); blank and # lines are dropped.
func (p Passage) Recipients() ([]string, error) {
	if p.RecipientsFile != "" {
		b, err := os.ReadFile(p.RecipientsFile)
		if err != nil {
			return nil, fmt.Errorf("read PASSAGE_RECIPIENTS_FILE: %w", err)
		}
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			out = append(out, l)
		}
		return out, nil
	}
	if f := strings.Fields(p.RecipientsEnv); len(f) > 0 {
		return f, nil
	}
	return nil, nil
}
