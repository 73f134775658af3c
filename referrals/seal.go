package referrals

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/refer-project/refer/resources"
)

// Sealer encrypts client data with AES-256-GCM before it reaches the
// store. It seals with its current key and opens with any key it was
// given, so a key can be rotated: start with the new key as current and
// the old as previous, then re-seal (refer referrals reseal).
type Sealer struct {
	current string // its key id
	aeads   map[string]cipher.AEAD
	macKey  []byte // for request fingerprints, derived from the current key
}

// plainKeyID marks data stored unsealed by a server started with
// --insecure-no-secret-key. Re-sealing under a key seals it.
const plainKeyID = "none"

// ParseKey reads a secret key as REFER_SECRET_KEY holds it: the base64 of
// 32 random bytes (openssl rand -base64 32).
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if k, err = base64.RawStdEncoding.DecodeString(s); err != nil {
			return nil, fmt.Errorf("the secret key is not base64 (make one with: openssl rand -base64 32)")
		}
	}
	if len(k) != 32 {
		return nil, fmt.Errorf("the secret key is %d bytes; it must be 32 (make one with: openssl rand -base64 32)", len(k))
	}
	return k, nil
}

// NewSealer returns a sealer that seals with current and opens with
// current and every previous key. With a nil current key it keeps data
// unsealed: only for a server started with --insecure-no-secret-key.
func NewSealer(current []byte, previous ...[]byte) (*Sealer, error) {
	s := &Sealer{current: plainKeyID, aeads: map[string]cipher.AEAD{}}
	for i, k := range append([][]byte{current}, previous...) {
		if k == nil {
			continue
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("secret key: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret key: %w", err)
		}
		id := keyID(k)
		s.aeads[id] = aead
		if i == 0 {
			s.current = id
			mac := hmac.New(sha256.New, k)
			mac.Write([]byte("refer request fingerprint"))
			s.macKey = mac.Sum(nil)
		}
	}
	return s, nil
}

// keyID names a key without giving it away: the start of a hash of it.
func keyID(k []byte) string {
	h := sha256.Sum256(append([]byte("refer key id\x00"), k...))
	return hex.EncodeToString(h[:6])
}

// Secure reports whether the sealer encrypts.
func (s *Sealer) Secure() bool { return s.current != plainKeyID }

// Current returns the id of the key data is sealed with now.
func (s *Sealer) Current() string { return s.current }

// Seal encrypts plain, bound to context (the record's id), so that sealed
// data moved to another record does not open.
func (s *Sealer) Seal(plain []byte, context string) (*resources.Sealed, error) {
	if !s.Secure() {
		return &resources.Sealed{KeyID: plainKeyID, Data: plain}, nil
	}
	aead := s.aeads[s.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return &resources.Sealed{KeyID: s.current, Nonce: nonce, Data: aead.Seal(nil, nonce, plain, []byte(context))}, nil
}

// Open decrypts what Seal sealed with the same context.
func (s *Sealer) Open(sealed *resources.Sealed, context string) ([]byte, error) {
	if sealed.KeyID == plainKeyID {
		return sealed.Data, nil
	}
	aead, ok := s.aeads[sealed.KeyID]
	if !ok {
		return nil, fmt.Errorf("data sealed with key %s, which this server was not given (REFER_SECRET_KEY, or REFER_SECRET_KEY_PREVIOUS while keys rotate)", sealed.KeyID)
	}
	if len(sealed.Nonce) != aead.NonceSize() {
		return nil, fmt.Errorf("sealed data with key %s has a nonce of %d bytes", sealed.KeyID, len(sealed.Nonce))
	}
	plain, err := aead.Open(nil, sealed.Nonce, sealed.Data, []byte(context))
	if err != nil {
		return nil, fmt.Errorf("sealed data with key %s does not open: %w", sealed.KeyID, err)
	}
	return plain, nil
}

// Fingerprint returns a keyed hash of a request, so that a retry can be
// told from a different request under the same idempotency key without
// keeping anything that reveals the client.
func (s *Sealer) Fingerprint(b []byte) string {
	if s.macKey == nil {
		h := sha256.Sum256(b)
		return hex.EncodeToString(h[:])
	}
	mac := hmac.New(sha256.New, s.macKey)
	mac.Write(b)
	return hex.EncodeToString(mac.Sum(nil))
}
