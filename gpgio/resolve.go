package gpgio

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Resolving .gpg-id lines the way `gpg -r` does (gpgio.md §5), and the rule
// that decides whether a message may be encrypted natively.

// specKind is the form of a recipient line, as gpg's classify_user_id sees it.
type specKind int

const (
	specKeyID     specKind = iota // [0x] 8/16 hex: short or long key id
	specFpr                       // [0x] 40 hex, or the spaced form: v4 fingerprint
	specMail                      // user@example.com: exact mailbox
	specMailExact                 // <user@example.com>: exact mailbox, first match
	specMailSub                   // @part: mailbox substring
	specExactUID                  // =Whole User ID
	specSubstring                 // *text, or anything else: user-ID substring
	specKeygrip                   // &KEYGRIP
)

// recipientSpec is a classified .gpg-id line.
type recipientSpec struct {
	kind  specKind
	value string // the text to match (prefix removed; hex upper-cased)
	exact bool   // a trailing '!': exactly this (sub)key
}

// errNotNative is wrapped when a line has a form that only gpg handles.
var errNotNative = errors.New("recipient form handled by gpg only")

func isHexString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if hexDigit(s[i]) < 0 {
			return false
		}
	}
	return true
}

// classifyRecipient classifies one .gpg-id line. Forms that only gpg
// implements (v3/v5/X.509 fingerprints, '.', '+', '/', '#' prefixes,
// colon-separated hex) give an error wrapping errNotNative.
func classifyRecipient(line string) (recipientSpec, error) {
	s := strings.TrimSpace(line)
	if s == "" {
		return recipientSpec{}, fmt.Errorf("%w: empty recipient", errNotNative)
	}
	switch s[0] {
	case '<':
		return recipientSpec{kind: specMailExact, value: strings.TrimSuffix(s[1:], ">")}, nil
	case '@':
		return recipientSpec{kind: specMailSub, value: s[1:]}, nil
	case '=':
		return recipientSpec{kind: specExactUID, value: s[1:]}, nil
	case '*':
		return recipientSpec{kind: specSubstring, value: s[1:]}, nil
	case '&':
		g := strings.ToUpper(s[1:])
		if len(g) != 40 || !isHexString(g) {
			return recipientSpec{}, fmt.Errorf("%w: bad keygrip", errNotNative)
		}
		return recipientSpec{kind: specKeygrip, value: g}, nil
	case '.', '+', '/', '#':
		return recipientSpec{}, fmt.Errorf("%w: prefix %q", errNotNative, s[0])
	}

	// Hex forms.
	h, exact := s, false
	if strings.HasSuffix(h, "!") {
		h, exact = h[:len(h)-1], true
	}
	prefixed := false
	if strings.HasPrefix(h, "0x") || strings.HasPrefix(h, "0X") {
		h, prefixed = h[2:], true
	}
	if isHexString(h) {
		if !prefixed && (len(h) == 9 || len(h) == 17 || len(h) == 41) && h[0] == '0' {
			h = h[1:]
		}
		switch len(h) {
		case 8, 16:
			return recipientSpec{kind: specKeyID, value: strings.ToUpper(h), exact: exact}, nil
		case 40:
			return recipientSpec{kind: specFpr, value: strings.ToUpper(h), exact: exact}, nil
		case 32, 64:
			return recipientSpec{}, fmt.Errorf("%w: v3/v5 fingerprint", errNotNative)
		}
		if prefixed {
			return recipientSpec{}, fmt.Errorf("%w: bad hex key id", errNotNative)
		}
	} else if prefixed {
		return recipientSpec{}, fmt.Errorf("%w: bad hex key id", errNotNative)
	}
	if f, ok := spacedFingerprint(h); ok {
		return recipientSpec{kind: specFpr, value: f, exact: exact}, nil
	}
	if strings.Count(s, ":") >= 15 && isHexString(strings.ReplaceAll(s, ":", "")) {
		return recipientSpec{}, fmt.Errorf("%w: colon-separated fingerprint", errNotNative)
	}
	if strings.Contains(s, "@") && isAddrSpec(s) {
		return recipientSpec{kind: specMail, value: s}, nil
	}
	return recipientSpec{kind: specSubstring, value: s}, nil
}

// spacedFingerprint accepts ten groups of four hex digits separated by one
// space, with an optional double space in the middle (49 or 50 bytes).
func spacedFingerprint(s string) (string, bool) {
	if len(s) != 49 && len(s) != 50 {
		return "", false
	}
	groups := strings.Split(s, " ")
	var out []string
	for i, g := range groups {
		if g == "" && i == 5 && len(s) == 50 {
			continue
		}
		if len(g) != 4 || !isHexString(g) {
			return "", false
		}
		out = append(out, g)
	}
	if len(out) != 10 {
		return "", false
	}
	return strings.ToUpper(strings.Join(out, "")), true
}

// isAddrSpec is a simplified is_valid_mailbox: one '@' with text on both
// sides, no spaces, brackets or control characters, a dot-free-end domain.
func isAddrSpec(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == 0x7f {
			return false
		}
	}
	d := s[at+1:]
	return !strings.HasPrefix(d, ".") && !strings.HasSuffix(d, ".") && !strings.Contains(d, "..")
}

// mailbox returns the address of a user ID as gpg's mailbox_from_userid
// does: the text inside the last <…>, else the whole user ID if it is an
// address; lower-cased. "" if there is none.
func mailbox(uid string) string {
	if i := strings.LastIndexByte(uid, '<'); i >= 0 {
		if j := strings.IndexByte(uid[i:], '>'); j > 0 {
			m := uid[i+1 : i+j]
			if isAddrSpec(m) {
				return strings.ToLower(m)
			}
			return ""
		}
	}
	if isAddrSpec(uid) {
		return strings.ToLower(uid)
	}
	return ""
}

// uidMatches reports whether a user ID satisfies a user-ID form of spec.
func (sp recipientSpec) uidMatches(uid string) bool {
	switch sp.kind {
	case specMail, specMailExact:
		m := mailbox(uid)
		return m != "" && m == strings.ToLower(sp.value)
	case specMailSub:
		m := mailbox(uid)
		return m != "" && strings.Contains(m, strings.ToLower(sp.value))
	case specExactUID:
		return uid == sp.value
	case specSubstring:
		return strings.Contains(strings.ToLower(uid), strings.ToLower(sp.value))
	}
	return false
}

// keyMatches reports whether a key with the given fingerprint (v4, 20
// bytes) satisfies a key-id or fingerprint spec.
func (sp recipientSpec) keyMatches(fpr []byte) bool {
	h := strings.ToUpper(hex.EncodeToString(fpr))
	switch sp.kind {
	case specKeyID:
		return len(h) == 40 && strings.HasSuffix(h, sp.value)
	case specFpr:
		return h == sp.value
	}
	return false
}

// recipient is a resolved line: the entity and the one key to encrypt to.
type recipient struct {
	entity *openpgp.Entity
	key    *packet.PublicKey
	sig    *packet.Signature // the key's binding (or primary self-) signature
}

// resolveRecipient resolves one line against the keyring. It succeeds only
// when exactly one usable key matches (gpgio.md §5); otherwise the error
// says why gpg must handle the line.
func (kr *keyring) resolveRecipient(ctx context.Context, line string, now time.Time) (*recipient, error) {
	sp, err := classifyRecipient(line)
	if err != nil {
		return nil, err
	}
	blobs, err := kr.allBlobs(ctx)
	if err != nil {
		return nil, err
	}
	var found []*recipient
	for _, b := range blobs {
		if !blobMayMatch(sp, b) {
			continue
		}
		ent, err := openpgp.ReadEntity(packet.NewReader(bytes.NewReader(b.keyblock)))
		if err != nil {
			return nil, fmt.Errorf("%w: key %s cannot be loaded: %v", errNotNative, hexFpr(b.fprs[0]), err)
		}
		r, ok, err := pickKey(sp, ent, now)
		if err != nil {
			return nil, err
		}
		if ok {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: no usable key for %q", errNotNative, line)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("%w: %d usable keys match %q", errNotNative, len(found), line)
}

// blobMayMatch is the index prefilter: fingerprints and user IDs only.
func blobMayMatch(sp recipientSpec, b kbxBlob) bool {
	switch sp.kind {
	case specKeyID, specFpr:
		for _, f := range b.fprs {
			if sp.keyMatches(f) {
				return true
			}
		}
		return false
	case specKeygrip:
		keys, _ := keyblockKeys(b.keyblock) // no signature checks here
		for _, k := range keys {
			if g, err := keygrip(k.pub); err == nil && strings.EqualFold(hex.EncodeToString(g[:]), sp.value) {
				return true
			}
		}
		return false
	}
	for _, u := range b.userIDs() {
		if sp.uidMatches(u) {
			return true
		}
	}
	return false
}

// pickKey applies spec to a parsed entity: ok reports a usable match, and
// the chosen key is the named one ('!') or the entity's best encryption key.
func pickKey(sp recipientSpec, ent *openpgp.Entity, now time.Time) (*recipient, bool, error) {
	selfSig, ident := ent.PrimarySelfSignature()
	if selfSig == nil || ent.PrimaryKey.KeyExpired(selfSig, now) || ent.Revoked(now) || selfSig.SigExpired(now) ||
		(ident != nil && ident.Revoked(now)) {
		return nil, false, nil
	}
	// Which keys does the spec name?
	named := func(pub *packet.PublicKey) (bool, error) {
		switch sp.kind {
		case specKeyID, specFpr:
			return sp.keyMatches(pub.Fingerprint), nil
		case specKeygrip:
			g, err := keygrip(pub)
			if err != nil {
				return false, nil
			}
			return strings.ToUpper(hex.EncodeToString(g[:])) == sp.value, nil
		}
		return false, nil
	}
	match := false
	var exactKey *packet.PublicKey
	var exactSig *packet.Signature
	switch sp.kind {
	case specKeyID, specFpr, specKeygrip:
		if ok, _ := named(ent.PrimaryKey); ok {
			match, exactKey, exactSig = true, ent.PrimaryKey, selfSig
		}
		for i := range ent.Subkeys {
			sk := &ent.Subkeys[i]
			if ok, _ := named(sk.PublicKey); ok {
				match, exactKey, exactSig = true, sk.PublicKey, sk.Sig
			}
		}
	default:
		for _, id := range ent.Identities {
			if id.Revoked(now) {
				continue
			}
			if sp.uidMatches(id.Name) {
				match = true
			}
		}
	}
	if !match {
		return nil, false, nil
	}
	if sp.exact {
		if exactKey == ent.PrimaryKey {
			if !canEncryptWith(exactKey, selfSig) {
				return nil, false, nil
			}
			return &recipient{entity: ent, key: exactKey, sig: selfSig}, true, nil
		}
		for i := range ent.Subkeys {
			sk := &ent.Subkeys[i]
			if sk.PublicKey == exactKey {
				if !subkeyUsable(sk, now) {
					return nil, false, nil
				}
				return &recipient{entity: ent, key: exactKey, sig: exactSig}, true, nil
			}
		}
		return nil, false, nil
	}
	// The best encryption subkey: the newest valid one (gpg's finish_lookup),
	// else the primary if it may encrypt.
	var best *openpgp.Subkey
	for i := range ent.Subkeys {
		sk := &ent.Subkeys[i]
		if subkeyUsable(sk, now) && (best == nil || sk.PublicKey.CreationTime.After(best.PublicKey.CreationTime)) {
			best = sk
		}
	}
	if best != nil {
		return &recipient{entity: ent, key: best.PublicKey, sig: best.Sig}, true, nil
	}
	if canEncryptWith(ent.PrimaryKey, selfSig) {
		return &recipient{entity: ent, key: ent.PrimaryKey, sig: selfSig}, true, nil
	}
	return nil, false, nil
}

func canEncryptWith(pub *packet.PublicKey, sig *packet.Signature) bool {
	return pub.PubKeyAlgo.CanEncrypt() && sig != nil && sig.FlagsValid &&
		(sig.FlagEncryptCommunications || sig.FlagEncryptStorage)
}

func subkeyUsable(sk *openpgp.Subkey, now time.Time) bool {
	return canEncryptWith(sk.PublicKey, sk.Sig) && !sk.PublicKey.KeyExpired(sk.Sig, now) &&
		!sk.Sig.SigExpired(now) && !sk.Revoked(now)
}

// allBlobs returns every keyblock of the keyring in order; for keyboxd it
// fetches them once with SEARCH/NEXT and indexes them like a file.
func (kr *keyring) allBlobs(ctx context.Context) ([]kbxBlob, error) {
	if kr.source != "keyboxd" || kr.blobs != nil {
		return kr.blobs, nil
	}
	blocks, err := kr.search(ctx, "")
	if err != nil {
		return nil, err
	}
	blobs := []kbxBlob{}
	for _, kb := range blocks {
		keys, _ := keyblockKeys(kb)
		if len(keys) == 0 {
			continue
		}
		b := kbxBlob{keyblock: kb}
		for _, k := range keys {
			b.fprs = append(b.fprs, k.pub.Fingerprint)
		}
		b.uids = keyblockUIDs(kb)
		blobs = append(blobs, b)
	}
	kr.blobs = blobs
	return blobs, nil
}

// keyblockUIDs lists the user IDs of a keyblock.
func keyblockUIDs(kb []byte) []string {
	var uids []string
	r := packet.NewReader(bytes.NewReader(kb))
	for {
		p, err := r.NextWithUnsupported()
		if err != nil {
			return uids
		}
		if u, ok := p.(*packet.UserId); ok {
			uids = append(uids, u.Id)
		}
	}
}

// isOwn reports whether the user holds a secret key file for the
// recipient's primary key or its chosen key.
func isOwn(h *home, r *recipient) bool {
	for _, pub := range []*packet.PublicKey{r.entity.PrimaryKey, r.key} {
		if g, err := keygrip(pub); err == nil && keyFileExists(h.dir, g) {
			return true
		}
	}
	return false
}

// resolveNative resolves every line and applies the native-or-gpg rule of
// gpgio.md §5. Any reason to use gpg gives an *UnsupportedError.
func resolveNative(ctx context.Context, h *home, kr *keyring, lines []string, now time.Time) ([]*recipient, error) {
	if len(lines) == 0 {
		return nil, unsupported("no recipients")
	}
	groups := h.groups()
	var out []*recipient
	seen := map[string]bool{}
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if groups[line] {
			return nil, unsupported("recipient %q is a gpg.conf group", line)
		}
		r, err := kr.resolveRecipient(ctx, line, now)
		if err != nil {
			if errors.Is(err, errNotNative) {
				return nil, unsupported("recipient %q: %v", line, err)
			}
			return nil, err
		}
		if !isOwn(h, r) {
			return nil, unsupported("recipient %q is not one of the user's own keys", line)
		}
		if s, _ := r.entity.PrimarySelfSignature(); s != nil && s.SEIPDv2 {
			return nil, unsupported("recipient %q advertises SEIPD v2", line)
		}
		f := string(r.key.Fingerprint)
		if seen[f] {
			continue // gpg: "skipped: public key already present"
		}
		seen[f] = true
		out = append(out, r)
	}
	return out, nil
}
