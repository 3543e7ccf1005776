package gpgio

import "context"

// decryptNative is the §3 driver.
func (c *Client) decryptNative(ctx context.Context, data []byte) ([]byte, error) {
	return nil, unsupported("native decryption not implemented yet")
}
