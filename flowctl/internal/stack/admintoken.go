package stack

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AdminTokenFile holds the token flowctl gives its stacks for /admin/faults.
func (l Layout) AdminTokenFile() string { return filepath.Join(l.RunDir, "admin-token") }

// AdminToken is the run dir's token, made on first use: fault injection then
// works out of the box, and only for whoever can read the run dir (ADMIN_TOKEN,
// when set, wins: see Stacks.Token).
func AdminToken(l Layout) (string, error) {
	b, err := os.ReadFile(l.AdminTokenFile())
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", l.Rel(l.AdminTokenFile()), err)
	}
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(raw)
	if err := os.MkdirAll(l.RunDir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(l.AdminTokenFile(), []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", l.Rel(l.AdminTokenFile()), err)
	}
	return tok, nil
}
