package lab

import (
	"fmt"
	"net/netip"

	"github.com/sglab/sglab/engine"
)

// What a learner would type to test a connection, and what that program
// prints for each outcome, in the programs' own words. This is only how
// an outcome reads; the outcome itself always comes from the engine.

// clientCommand is the command line a learner would run for c to addr.
func clientCommand(c engine.Connection, addr string) string {
	switch {
	case c.Protocol == engine.ProtoICMPv6:
		return "ping -6 -c 1 " + addr
	case c.Protocol.IsICMP():
		return "ping -c 1 " + addr
	case c.Protocol == engine.ProtoUDP && c.Port == 53:
		return "dig @" + addr + " example.com"
	case c.Protocol == engine.ProtoUDP:
		return fmt.Sprintf("nc -u -vz %s %d", addr, c.Port)
	case c.Port == 22:
		return "ssh ec2-user@" + addr
	case c.Port == 21:
		return "ftp " + addr
	case c.Port == 80:
		return "curl -I http://" + urlHost(addr) + "/"
	case c.Port == 443:
		return "curl -I https://" + urlHost(addr) + "/"
	}
	return fmt.Sprintf("nc -vz %s %d", addr, c.Port)
}

// urlHost is addr as the host of a URL: an IPv6 address in brackets.
func urlHost(addr string) string {
	if a, err := netip.ParseAddr(addr); err == nil && a.Is6() {
		return "[" + addr + "]"
	}
	return addr
}

// clientMessage is the first thing that program prints when the
// connection has outcome o.
func clientMessage(c engine.Connection, addr string, o engine.Outcome) string {
	if c.Protocol.IsICMP() {
		if o == engine.Connected {
			return fmt.Sprintf("64 bytes from %s: icmp_seq=1 ttl=64 time=0.42 ms", addr)
		}
		return "1 packets transmitted, 0 received, 100% packet loss, time 0ms"
	}
	errno := "Connection refused"
	if o == engine.Timeout {
		errno = "Connection timed out"
	}
	switch {
	case c.Protocol == engine.ProtoUDP && c.Port == 53:
		switch o {
		case engine.Connected:
			return ";; Got answer: ->>HEADER<<- opcode: QUERY, status: NOERROR"
		case engine.Refused:
			return fmt.Sprintf(";; communications error to %s#53: connection refused", addr)
		}
		return ";; connection timed out; no servers could be reached"
	case c.Protocol == engine.ProtoUDP:
	case c.Port == 22:
		if o == engine.Connected {
			return fmt.Sprintf("The authenticity of host '%s (%s)' can't be established.", addr, addr)
		}
		return fmt.Sprintf("ssh: connect to host %s port 22: %s", addr, errno)
	case c.Port == 21:
		if o == engine.Connected {
			return fmt.Sprintf("Connected to %s. 220 (vsFTPd 3.0.5)", addr)
		}
		return "ftp: connect: " + errno
	case c.Port == 80 || c.Port == 443:
		if o == engine.Connected {
			return "HTTP/1.1 200 OK"
		}
		return fmt.Sprintf("curl: (7) Failed to connect to %s port %d: %s", addr, c.Port, errno)
	}
	if o == engine.Connected {
		return fmt.Sprintf("Connection to %s %d port [%s/%s] succeeded!", addr, c.Port, c.Protocol, serviceWord(c.Port))
	}
	return fmt.Sprintf("nc: connect to %s port %d (%s) failed: %s", addr, c.Port, c.Protocol, errno)
}

// serviceWord is the name /etc/services gives a port, as nc prints it.
func serviceWord(port int) string {
	switch port {
	case 3389:
		return "ms-wbt-server"
	case 3306:
		return "mysql"
	case 5432:
		return "postgresql"
	case 25:
		return "smtp"
	case 53:
		return "domain"
	}
	return "*"
}

// daemon names what typically listens on a service, so that "stop sshd"
// means something in the services form.
func daemon(s engine.Service) string {
	if s.Protocol != engine.ProtoTCP {
		if s.Port == 53 {
			return "named"
		}
		return ""
	}
	switch s.Port {
	case 22:
		return "sshd"
	case 80, 443:
		return "nginx"
	case 21:
		return "vsftpd"
	case 3389:
		return "RDP service"
	case 3306:
		return "mysqld"
	case 5432:
		return "postgres"
	}
	return ""
}

// serviceName names a service without its daemon: "SSH tcp/22".
func serviceName(s engine.Service) string {
	if name := engine.ServiceName(s.Port); name != "" && (s.Protocol == engine.ProtoTCP || s.Port == 53) {
		return name + " " + s.String()
	}
	return s.String()
}

// serviceLabel names a service for a learner: "SSH tcp/22 (sshd)".
func serviceLabel(s engine.Service) string {
	label := serviceName(s)
	if d := daemon(s); d != "" {
		label += " (" + d + ")"
	}
	return label
}
