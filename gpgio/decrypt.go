package gpgio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// maxDecompressed bounds decompression against compression bombs.
const maxDecompressed int64 = 64 << 20

// encryptedData is a SEIPD (tag 18) or AEAD (tag 20) packet.
type encryptedData interface {
	Decrypt(packet.CipherFunction, []byte) (io.ReadCloser, error)
}

// decryptNative is the decrypt driver of gpgio.md §3. Its errors say
// whether gpg may take over (see fallbackAllowed).
func (c *Client) decryptNative(ctx context.Context, data []byte) ([]byte, error) {
	if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("-----BEGIN PGP MESSAGE-----")) {
		blk, err := armor.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, unsupported("armor: %v", err)
		}
		if data, err = io.ReadAll(blk.Body); err != nil {
			return nil, unsupported("armor: %v", err)
		}
	}

	// Steps 2 and 3: the PKESKs, then the encrypted data packet.
	pr := packet.NewReader(bytes.NewReader(data))
	var pkesks []*packet.EncryptedKey
	var other error // why a message without a usable PKESK is unsupported
	var ed encryptedData
	for ed == nil {
		p, err := pr.NextWithUnsupported()
		if err == io.EOF {
			return nil, unsupported("no encrypted data packet")
		}
		if err != nil {
			return nil, unsupported("malformed message: %v", err)
		}
		switch p := p.(type) {
		case *packet.EncryptedKey:
			if p.Version != 3 {
				other = unsupported("v%d public-key encrypted session key", p.Version)
				continue
			}
			pkesks = append(pkesks, p)
		case *packet.SymmetricKeyEncrypted:
			other = unsupported("passphrase-encrypted session key (SKESK)")
		case *packet.UnsupportedPacket:
			switch p.IncompletePacket.(type) {
			case *packet.SymmetricallyEncrypted, *packet.AEADEncrypted:
				return nil, unsupported("encrypted data: %v", p.Error)
			}
			other = unsupported("%v", p.Error)
		case *packet.SymmetricallyEncrypted:
			if !p.IntegrityProtected {
				return nil, unsupported("encrypted data without MDC (tag 9)")
			}
			ed = p
		case *packet.AEADEncrypted:
			ed = p
		default:
			return nil, unsupported("unexpected %T before the encrypted data", p)
		}
	}

	// Step 4: the session key.
	cf, key, err := c.findSessionKey(ctx, pkesks)
	if err != nil {
		if other != nil && errors.Is(err, ErrNoSecretKey) {
			return nil, other
		}
		return nil, err
	}
	defer zero(key)

	// Steps 5 and 6.
	return readPlaintext(ed, cf, key)
}

// readPlaintext decrypts the data packet, unwraps compression, signatures
// and the literal packet, and checks the MDC or the final AEAD tag. Any
// failure here is ErrIntegrity.
func readPlaintext(ed encryptedData, cf packet.CipherFunction, key []byte) ([]byte, error) {
	rc, err := ed.Decrypt(cf, key)
	if err != nil {
		var ue pgperrors.UnsupportedError
		if errors.As(err, &ue) {
			return nil, unsupported("encrypted data: %v", err)
		}
		return nil, fmt.Errorf("%w: %v", ErrIntegrity, err)
	}
	limit := maxDecompressed
	cfg := &packet.Config{MaxDecompressedMessageSize: &limit}
	md, err := openpgp.ReadMessage(rc, nil, nil, cfg)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("%w: %v", ErrIntegrity, err)
	}
	var buf bytes.Buffer
	_, err = io.Copy(&buf, md.UnverifiedBody)
	if err == nil {
		_, err = io.Copy(io.Discard, rc)
	}
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		zero(buf.Bytes())
		return nil, fmt.Errorf("%w: %v", ErrIntegrity, err)
	}
	return buf.Bytes(), nil
}

// agentJob is a candidate left for the agent pass.
type agentJob struct {
	pk   *packet.EncryptedKey
	f    *pkeskFields
	cand candidate
	grip [20]byte
}

// findSessionKey runs pass one (unprotected key files) and pass two (the
// agent) of §3 step 4.
func (c *Client) findSessionKey(ctx context.Context, pkesks []*packet.EncryptedKey) (packet.CipherFunction, []byte, error) {
	if len(pkesks) == 0 {
		return 0, nil, ErrNoSecretKey
	}
	h, err := c.home()
	if err != nil {
		return 0, nil, err
	}
	if h.keyringOptions() {
		return 0, nil, unsupported("keyring options in gpg.conf")
	}
	kr, err := c.keyring()
	if err != nil {
		var ue *UnsupportedError
		if errors.As(err, &ue) {
			return 0, nil, err
		}
		return 0, nil, unsupported("public keyring: %v", err)
	}
	var jobs []agentJob
	var softErr error // the first reason a candidate could not be used
	for _, pk := range pkesks {
		cands, err := kr.candidatesCtx(ctx, pk.KeyId)
		if err != nil {
			if errors.Is(err, ErrNoAgent) || ctx.Err() != nil {
				return 0, nil, err // keyboxd unreachable, or cancelled
			}
			c.tracef("gpgio: key id %016X: %v", pk.KeyId, err)
			if softErr == nil {
				softErr = unsupported("keyring: %v", err)
			}
			continue
		}
		for _, cand := range cands {
			if cand.pub == nil || cand.pub.PubKeyAlgo != pk.Algo {
				continue
			}
			grip, err := keygrip(cand.pub)
			if err != nil {
				c.tracef("gpgio: keygrip of %016X: %v", cand.pub.KeyId, err)
				if softErr == nil {
					softErr = unsupported("key %016X: %v", cand.pub.KeyId, err)
				}
				continue
			}
			priv, kind, err := c.keyFile(h, grip, cand.pub)
			if c.agentOnly && kind != keyMissing {
				kind, err = keyUnknown, nil
			}
			switch {
			case kind == keyMissing:
				continue
			case kind == keyUnprotected && err == nil && priv != nil:
				cf, key, err := decryptWithKey(pk, priv)
				if err == nil {
					return cf, key, nil
				}
				var ue *UnsupportedError
				if errors.As(err, &ue) {
					return 0, nil, err
				}
				c.tracef("gpgio: key file %X: %v", grip, err)
				continue
			}
			if err != nil {
				c.tracef("gpgio: key file %X: %v", grip, err)
			}
			f, err := parsePKESK(pk)
			if err != nil {
				if softErr == nil {
					softErr = err
				}
				continue
			}
			jobs = append(jobs, agentJob{pk: pk, f: f, cand: cand, grip: grip})
		}
	}
	if len(jobs) == 0 {
		if softErr != nil {
			return 0, nil, softErr
		}
		return 0, nil, ErrNoSecretKey
	}
	ac, err := c.agentConn(ctx)
	if err != nil {
		return 0, nil, err
	}
	var hiddenErr error
	for _, j := range jobs {
		m, err := c.agentDecrypt(ctx, ac, j.grip, j.cand, j.f)
		if err == nil {
			var cf packet.CipherFunction
			var key []byte
			cf, key, err = sessionKey(m)
			key = append([]byte(nil), key...)
			zero(m)
			if err == nil {
				return cf, key, nil
			}
			var ue *UnsupportedError
			if errors.As(err, &ue) {
				return 0, nil, err
			}
			err = &pkdecryptError{&badResultError{err}}
		}
		if errors.Is(err, ErrNoSecretKey) {
			continue
		}
		var bad *badResultError
		var ae *AgentError
		if j.pk.KeyId == 0 && (errors.As(err, &bad) || errors.As(err, &ae) ||
			errors.Is(err, ErrNoPinentry) || errors.Is(err, ErrCanceled)) {
			// A hidden recipient: this key is not the one, or could not
			// be unlocked; like gpg, try the next.
			c.tracef("gpgio: hidden recipient: key %X: %v", j.grip, err)
			if hiddenErr == nil || errors.Is(err, ErrNoPinentry) || errors.Is(err, ErrCanceled) {
				hiddenErr = err
			}
			continue
		}
		if errors.As(err, &bad) {
			// Before the session key: gpg may know better (§10).
			return 0, nil, unsupported("agent result for key %016X: %v", j.cand.pub.KeyId, bad.err)
		}
		return 0, nil, err
	}
	if errors.Is(hiddenErr, ErrNoPinentry) || errors.Is(hiddenErr, ErrCanceled) {
		return 0, nil, hiddenErr // a locked key may have been the one
	}
	if hiddenErr != nil {
		return 0, nil, ErrNoSecretKey
	}
	if softErr != nil {
		return 0, nil, softErr
	}
	return 0, nil, ErrNoSecretKey
}

// keyFile loads (and caches) an unprotected key file. grip must be
// keygrip(pub), as findSessionKey computes it.
func (c *Client) keyFile(h *home, grip [20]byte, pub *packet.PublicKey) (*packet.PrivateKey, keyFileKind, error) {
	if k, ok := c.keys[grip]; ok {
		return k, keyUnprotected, nil
	}
	priv, kind, err := loadKeyFile(h, grip, pub) // grip = keygrip(pub): findSessionKey
	if err == nil && kind == keyUnprotected && priv != nil {
		if c.keys == nil {
			c.keys = map[[20]byte]*packet.PrivateKey{}
		}
		c.keys[grip] = priv
	}
	return priv, kind, err
}

// decryptWithKey opens pk with an unprotected private key.
func decryptWithKey(pk *packet.EncryptedKey, priv *packet.PrivateKey) (packet.CipherFunction, []byte, error) {
	// Decrypt mutates pk; work on a copy so that the agent pass can
	// still use the original.
	cp := *pk
	cp.KeyId = priv.KeyId // a hidden recipient (key id 0) names no key
	if err := cp.Decrypt(priv, nil); err != nil {
		var ue pgperrors.UnsupportedError
		if errors.As(err, &ue) && cp.CipherFunc != 0 && !cp.CipherFunc.IsSupported() {
			return 0, nil, unsupported("cipher %s", cipherName(cp.CipherFunc))
		}
		return 0, nil, err
	}
	if cp.CipherFunc.KeySize() != len(cp.Key) {
		return 0, nil, errors.New("session key: wrong length for its cipher")
	}
	return cp.CipherFunc, cp.Key, nil
}
