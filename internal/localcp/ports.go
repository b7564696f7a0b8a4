package localcp

import (
	"fmt"
	"net"
	"strings"
	"sync"
)

// CheckListenAddress returns an error naming the component, the address and
// the flag that sets it when address, host:port, cannot be listened on, for
// example because another process uses the port. An empty address, "0" or a
// port of 0 is not checked: those mean disabled or any free port.
func CheckListenAddress(component, address, flag string) error {
	if address == "" || address == "0" {
		return nil
	}
	if _, port, err := net.SplitHostPort(address); err == nil && port == "0" {
		return nil
	}
	l, err := net.Listen("tcp", address)
	if err != nil {
		return fmt.Errorf("failed to listen on %s for %s, set %s to a free port or 0: %w",
			address, component, flag, err)
	}
	if err := l.Close(); err != nil {
		return fmt.Errorf("failed to release the port check listener on %s: %w", address, err)
	}
	return nil
}

// FreeLoopbackAddress returns 127.0.0.1:PORT with a port that was free when
// it was checked. Another process may take the port before the caller
// listens on it, the same race envtest accepts for its ports.
func FreeLoopbackAddress() (string, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(loopbackHost, "0"))
	if err != nil {
		return "", fmt.Errorf("failed to find a free loopback port: %w", err)
	}
	address := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("failed to release the free port listener on %s: %w", address, err)
	}
	return address, nil
}

// tailBuffer keeps the last bytes a child process wrote, so that a failed
// start can show why without keeping the whole output.
type tailBuffer struct {
	mu   sync.Mutex
	data []byte
}

// tailBufferSize is how many bytes of output a tailBuffer keeps.
const tailBufferSize = 4096

// Write appends p and drops the oldest bytes past tailBufferSize.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.data = append(b.data, p...)
	if extra := len(b.data) - tailBufferSize; extra > 0 {
		b.data = append(b.data[:0], b.data[extra:]...)
	}
	return len(p), nil
}

// Suffix returns the kept output formatted to end an error message, or ""
// when the process wrote nothing.
func (b *tailBuffer) Suffix() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	text := strings.TrimSpace(string(b.data))
	if text == "" {
		return ""
	}
	return "; last output:\n" + text
}
