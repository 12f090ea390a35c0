package devserver

import (
	"fmt"
	"net"
	"strings"
)

// isLoopback reports whether a listen host reaches only this machine:
// localhost or a loopback address. The empty host (all interfaces) does not.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckAddr refuses a listen address other machines could reach, unless
// allowRemote. The address is checked again once bound, since a name may
// resolve to anything.
func CheckAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %s: %v", addr, err)
	}
	if !isLoopback(host) && !allowRemote {
		return fmt.Errorf("-addr %s: other machines could reach the dev server there; use a loopback address such as %s, or add -allow-remote", addr, DefaultAddr)
	}
	return nil
}
