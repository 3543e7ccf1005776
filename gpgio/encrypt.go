package gpgio

import (
	"context"
	"errors"
	"io"
)

// encrypt implements Client.Encrypt: native when every recipient line
// resolves to one of the user's own keys (gpgio.md §5, §9), else gpg.
func (c *Client) encrypt(ctx context.Context, dst io.Writer, recipients []string) (io.WriteCloser, error) {
	return nil, errors.New("encrypt: not implemented")
}
