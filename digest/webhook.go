package digest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body
// under the alert's secret; DeliveryHeader carries the delivery's stable
// id, the same on every retry, for receivers to drop duplicates.
const (
	SignatureHeader = "X-Veille-Signature"
	DeliveryHeader  = "X-Veille-Delivery"
	EventHeader     = "X-Veille-Event"
)

// Sign returns the X-Veille-Signature value of body under secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a signature in constant time; receivers written
// in Go can use it.
func VerifySignature(secret, body []byte, header string) bool {
	return hmac.Equal([]byte(header), []byte(Sign(secret, body)))
}

// postWebhook sends body once. A 2xx answer is success; 408, 429 and 5xx
// and network errors are temporary; any other status is permanent.
func postWebhook(ctx context.Context, client *http.Client, url, event, deliveryID string, secret, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return &SendError{Err: fmt.Errorf("webhook %s: %w", url, err)}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "veille-webhook/1")
	req.Header.Set(EventHeader, event)
	req.Header.Set(DeliveryHeader, deliveryID)
	if len(secret) > 0 {
		req.Header.Set(SignatureHeader, Sign(secret, body))
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("webhook %s: %w", url, ctx.Err())
		}
		return &SendError{Temporary: true, Err: fmt.Errorf("webhook %s: %w", url, err)}
	}
	defer resp.Body.Close()
	// Read a little of the answer for the ledger, then drop the rest.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	msg := strings.TrimSpace(oneLine(string(snippet)))
	err = fmt.Errorf("webhook %s: HTTP %d %s", url, resp.StatusCode, msg)
	temp := resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests
	return &SendError{Temporary: temp, Code: resp.StatusCode, Err: err}
}
