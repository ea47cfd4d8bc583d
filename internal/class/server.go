package class

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/activeterm"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/ratelimiter"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/internal/store"
	"github.com/sglab/sglab/lessons"
)

// HostKeyFile is the server's private host key in the class directory,
// created on first start (ed25519, mode 0600) and reused, so that
// learners' SSH clients recognise the server from one day to the next.
const HostKeyFile = "host_ed25519"

// Defaults of sglab serve.
const (
	DefaultListen      = "127.0.0.1:2222"
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxSessions = 200
	// DefaultFPS is the most frames a second one session draws: a key's
	// frame waits for the renderer's next tick. Measured with
	// cmd/sglab's BenchmarkServeFiftySessions and BenchmarkServeIdleSessions
	// on two shared cores: 200 idle sessions cost 0.08 of a core at 10 to
	// 30 frames a second, 0.11 at 60 (the ticker is cheap in one process);
	// with 50 learners typing, the p99 from key to frame was 60 ms at 20,
	// 75 ms at 30 and 86 ms at 60 (the faster rates spend the CPU the
	// tail needs), p50 26, 19 and 11 ms.
	DefaultFPS = 20
	// MaxJoinAttempts is how many wrong join codes a connection may try.
	MaxJoinAttempts = 3
)

// Config is how sglab serve runs a class.
type Config struct {
	Listen          string // host:port; loopback unless the instructor says otherwise
	Dir             string // the class directory: database and host key
	RosterFile      string // authorized_keys of the learners, comment = name
	InstructorsFile string // authorized_keys of the instructors
	JoinCode        string // enrols unknown keys that give it; never logged
	Open            bool   // enrols any key
	IdleTimeout     time.Duration
	MaxSessions     int
	FPS             int
	// SessionRate and SessionBurst limit new sessions per remote address
	// (zero: one every two seconds, in bursts as large as MaxSessions:
	// a whole room behind one NAT may connect at once).
	SessionRate  rate.Limit
	SessionBurst int
	Logger       *log.Logger
	// Course is the course the class takes (built-in lessons and --pack).
	Course *lessons.Course
	// Model returns the model of a session: a learner's app (behind the
	// enrolment prompts while s.Enrolled is false) or, for an instructor,
	// the board.
	Model func(s *Session) (tea.Model, error)
}

// Check refuses a configuration that would let anyone in anonymously, or
// that asks for two contradictory ways in.
func (c *Config) Check() error {
	switch {
	case c.RosterFile == "" && c.JoinCode == "" && !c.Open:
		return errors.New("sglab serve lets nobody in by default: give --roster FILE (the learners' public keys), --join-code CODE (learners enrol with the code), or --open (any key enrols)")
	case c.RosterFile != "" && (c.JoinCode != "" || c.Open):
		return errors.New("--roster lets in only the keys it lists; --join-code and --open enrol keys it does not: choose one")
	case c.JoinCode != "" && c.Open:
		return errors.New("--open enrols any key without a code; leave out --join-code, or --open")
	case c.Dir == "":
		return errors.New("--class DIR is needed: where the class's database and host key live")
	case c.MaxSessions < 1:
		return fmt.Errorf("--max-sessions must be at least 1, not %d", c.MaxSessions)
	case c.IdleTimeout < 0:
		return errors.New("--idle-timeout cannot be negative")
	}
	if c.JoinCode != "" && len([]rune(c.JoinCode)) < 4 {
		return errors.New("--join-code must be at least 4 characters: a shorter one is guessed")
	}
	return nil
}

// Role is who a session's key belongs to.
type Role int

// The roles.
const (
	RoleLearner Role = iota
	RoleInstructor
)

// Server is a running class.
type Server struct {
	cfg         Config
	db          *DB
	log         *log.Logger
	roster      *Roster // nil without --roster
	instructors *Roster // nil without --instructors
	ssh         *ssh.Server
	hub         *Hub

	active  atomic.Int64 // sessions past the door
	conns   atomic.Int64 // TCP connections, authenticated or not
	offered sync.Map     // remote address → fingerprint of the last key offered, for the refusal's log line

	mu       sync.Mutex
	sessions map[*Session]struct{}

	deliverMu                   sync.Mutex
	lastMessage, lastAssignment int64 // delivered already
	stopWatch                   context.CancelFunc
}

// NewServer opens the class directory (database and host key) and the
// rosters, and prepares the SSH server.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.MaxSessions == 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.Course == nil {
		c, ds := lessons.LoadCourse()
		if ds.HasErrors() {
			return nil, fmt.Errorf("the course did not load: %w", ds)
		}
		cfg.Course = c
	}
	if cfg.FPS == 0 {
		cfg.FPS = DefaultFPS
	}
	if cfg.SessionRate == 0 {
		cfg.SessionRate = rate.Every(2 * time.Second)
	}
	if cfg.SessionBurst == 0 {
		cfg.SessionBurst = cfg.MaxSessions
	}
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = log.NewWithOptions(os.Stderr, log.Options{ReportTimestamp: true, TimeFormat: time.RFC3339})
	}
	s := &Server{cfg: cfg, log: cfg.Logger, sessions: map[*Session]struct{}{}, hub: newHub()}
	var err error
	if cfg.RosterFile != "" {
		if s.roster, err = LoadRoster(cfg.RosterFile); err != nil {
			return nil, fmt.Errorf("the roster: %w", err)
		}
	}
	if cfg.InstructorsFile != "" {
		if s.instructors, err = LoadRoster(cfg.InstructorsFile); err != nil {
			return nil, fmt.Errorf("the instructors: %w", err)
		}
	}
	if s.db, err = OpenDB(cfg.Dir); err != nil {
		return nil, err
	}
	s.db.Changed = s.hub.changed
	hostKey := filepath.Join(cfg.Dir, HostKeyFile)
	if err := checkHostKey(hostKey); err != nil {
		s.db.Close()
		return nil, err
	}
	limiter := ratelimiter.NewRateLimiter(cfg.SessionRate, cfg.SessionBurst, 4096)
	s.ssh, err = wish.NewServer(
		wish.WithAddress(cfg.Listen),
		wish.WithHostKeyPath(hostKey),
		wish.WithPublicKeyAuth(s.allowKey),
		wish.WithIdleTimeout(cfg.IdleTimeout),
		// Middlewares run last to first: recover wraps everything.
		wish.WithMiddleware(
			bm.MiddlewareWithProgramHandler(s.program, termenv.Ascii),
			activeterm.Middleware(),
			s.door,
			ratelimiter.Middleware(limiter),
			s.recoverPanics,
		),
	)
	if err != nil {
		s.db.Close()
		return nil, fmt.Errorf("cannot prepare the SSH server: %w", err)
	}
	if err := os.Chmod(hostKey, 0o600); err != nil {
		s.db.Close()
		return nil, err
	}
	s.ssh.ConnCallback = s.connOpened
	s.ssh.ConnectionFailedCallback = s.connFailed
	// What was said and assigned before this start is not news.
	if msgs, err := s.db.Messages(0); err == nil && len(msgs) > 0 {
		s.lastMessage = msgs[len(msgs)-1].ID
	}
	if a, ok, err := s.db.Current(); err == nil && ok {
		s.lastAssignment = a.ID
	}
	// Nobody is connected yet, whatever a server killed mid-class left.
	if err := s.db.disconnectAll(); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// checkHostKey refuses a host key others can read: it is the server's
// identity, and anyone holding it can impersonate the class.
func checkHostKey(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil // created on first start
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case fi.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("%s can be read by others (mode %04o): chmod 600 it, or remove it and a new host key is made", path, fi.Mode().Perm())
	}
	return nil
}

// DB is the class database.
func (s *Server) DB() *DB { return s.db }

// Hub carries the class's events to the boards.
func (s *Server) Hub() *Hub { return s.hub }

// Config is the configuration the server runs with.
func (s *Server) Config() Config { return s.cfg }

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.log.Info("serving", "event", "listening", "remote", ln.Addr().String())
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.stopWatch = cancel
	s.mu.Unlock()
	go s.watch(ctx)
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// ListenAndServe listens on the configured address and serves.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Shutdown stops accepting, ends every session (their programs flush what
// they hold) and closes the database.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.stopWatch != nil {
		s.stopWatch()
	}
	for sess := range s.sessions {
		if sess.program != nil {
			sess.program.Quit()
		}
	}
	s.mu.Unlock()
	err := s.ssh.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.ssh.Close()
	}
	return errors.Join(err, s.db.Close())
}

// maxHandshakes bounds connections that have not finished authenticating
// beyond the sessions allowed: enough for a room connecting at once, not
// enough for someone to hold every file descriptor.
const maxHandshakes = 64

type countedConn struct {
	net.Conn
	srv  *Server
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.srv.conns.Add(-1)
		// The refusal's log line may still want the key offered: forget
		// it a moment later.
		addr := c.RemoteAddr().String()
		time.AfterFunc(time.Second, func() { c.srv.offered.Delete(addr) })
	})
	return c.Conn.Close()
}

func (s *Server) connOpened(_ ssh.Context, conn net.Conn) net.Conn {
	if s.conns.Add(1) > int64(s.cfg.MaxSessions+maxHandshakes) {
		s.conns.Add(-1)
		s.event("refused", "", "", conn.RemoteAddr(), "reason", "too many connections")
		return nil
	}
	return &countedConn{Conn: conn, srv: s}
}

func (s *Server) connFailed(conn net.Conn, err error) {
	fp, _ := s.offered.LoadAndDelete(conn.RemoteAddr().String())
	fps, _ := fp.(string)
	reason := "no key this class knows"
	if fps == "" {
		reason = "no public key offered"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		reason = "timed out"
	}
	s.event("refused", fps, "", conn.RemoteAddr(), "reason", reason)
}

// allowKey decides whether a key may authenticate. It is called for keys
// a client merely offers as well as the one it proves it holds, so it
// decides access only: who the learner is comes from the session, after
// authentication (Session.Fingerprint).
func (s *Server) allowKey(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	s.offered.Store(ctx.RemoteAddr().String(), fp)
	_, ok := s.whoIs(fp)
	return ok
}

// whoIs says whether the key with fingerprint fp may come in, and as
// whom.
func (s *Server) whoIs(fp string) (Role, bool) {
	if s.instructors != nil {
		if _, ok, err := s.instructors.Lookup(fp); ok {
			return RoleInstructor, true
		} else if err != nil {
			s.log.Warn("the instructors file did not read again; the last good one is used", "err", safetext.Line(err.Error()))
		}
	}
	if s.roster != nil {
		_, ok, err := s.roster.Lookup(fp)
		if err != nil {
			s.log.Warn("the roster did not read again; the last good one is used", "err", safetext.Line(err.Error()))
		}
		return RoleLearner, ok
	}
	return RoleLearner, s.cfg.Open || s.cfg.JoinCode != ""
}

// event writes one structured log line about a connection: what
// happened, to whom (fingerprint and name, cleaned), from where.
func (s *Server) event(event, fp, name string, addr net.Addr, kv ...any) {
	remote := ""
	if addr != nil {
		remote = addr.String()
	}
	args := append([]any{"event", event, "fingerprint", fp, "name", safetext.Line(name), "remote", remote}, kv...)
	s.log.Info("connection", args...)
}

// recoverPanics keeps a panic in one session's handler inside it: it is
// logged, that session ends, and every other goes on.
func (s *Server) recoverPanics(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer func() {
			if r := recover(); r != nil {
				s.event("panic", fingerprintOf(sess), "", sess.RemoteAddr(), "panic", safetext.Line(fmt.Sprint(r)))
				s.log.Debug("panic stack", "stack", string(debug.Stack()))
				fmt.Fprint(sess.Stderr(), "sglab hit an internal error and closed your session; your saved work is kept. Connect again to go on.\r\n")
				sess.Exit(1)
			}
		}()
		next(sess)
	}
}

// door lets a session past once it has a verified key the class knows
// and the class has room, and logs its arrival and departure.
func (s *Server) door(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		key := sess.PublicKey() // the key the client proved it holds
		if key == nil {
			s.event("refused", "", "", sess.RemoteAddr(), "reason", "no verified key")
			sess.Exit(1)
			return
		}
		fp := gossh.FingerprintSHA256(key)
		s.offered.Delete(sess.RemoteAddr().String())
		role, ok := s.whoIs(fp)
		if !ok { // the roster changed since the key authenticated
			s.event("refused", fp, "", sess.RemoteAddr(), "reason", "no longer on the roster")
			fmt.Fprint(sess.Stderr(), "Your key is not on this class's roster. Ask your instructor to add it.\r\n")
			sess.Exit(1)
			return
		}
		if s.active.Add(1) > int64(s.cfg.MaxSessions) {
			s.active.Add(-1)
			s.event("refused", fp, "", sess.RemoteAddr(), "reason", "class full")
			fmt.Fprintf(sess.Stderr(), "Sorry, the class is full (%d sessions). Try again in a minute, or ask your instructor.\r\n", s.cfg.MaxSessions)
			sess.Exit(1)
			return
		}
		defer s.active.Add(-1)
		cs, err := s.newSession(sess, fp, role)
		if err != nil {
			s.event("error", fp, "", sess.RemoteAddr(), "err", safetext.Line(err.Error()))
			fmt.Fprint(sess.Stderr(), "sglab could not open your session; try again, or tell your instructor.\r\n")
			sess.Exit(1)
			return
		}
		s.track(cs, true)
		defer s.track(cs, false)
		s.event("connected", fp, cs.Name(), sess.RemoteAddr(), "role", cs.roleName())
		start := time.Now()
		next(sess)
		s.mu.Lock()
		model := cs.model
		s.mu.Unlock()
		if model != nil { // the program has ended: write what the session still holds
			if err := model.Close(); err != nil {
				s.event("error", fp, cs.Name(), sess.RemoteAddr(), "err", safetext.Line(err.Error()))
			}
		}
		s.event("disconnected", fp, cs.Name(), sess.RemoteAddr(), "duration", time.Since(start).Round(time.Second).String())
	}
}

func (s *Server) track(cs *Session, live bool) {
	s.mu.Lock()
	if live {
		s.sessions[cs] = struct{}{}
	} else {
		delete(s.sessions, cs)
	}
	s.mu.Unlock()
	if id, ok := cs.LearnerID(); ok {
		kind := "connected"
		if !live {
			kind = "disconnected"
		}
		if err := s.db.Event(id, kind, ""); err != nil {
			s.log.Error("cannot record an event", "err", safetext.Line(err.Error()))
		}
		s.hub.publish(Event{Learner: id, Kind: kind})
	}
}

// Connected returns the learners with a session open now.
func (s *Server) Connected() map[int64]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]bool{}
	for cs := range s.sessions {
		if id, ok := cs.LearnerID(); ok {
			out[id] = true
		}
	}
	return out
}

// Send delivers msg to the program of every learner's session.
func (s *Server) Send(msg tea.Msg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for cs := range s.sessions {
		if cs.role == RoleLearner && cs.program != nil {
			go cs.program.Send(msg) // Send blocks until the program takes it
		}
	}
}

// program builds the Bubble Tea program of a session: its input and
// output are the session's, its renderer is the session's, and it draws
// at most FPS frames a second.
func (s *Server) program(sess ssh.Session) *tea.Program {
	cs := sessionOf(sess)
	if cs == nil {
		return nil
	}
	m, err := s.cfg.Model(cs)
	if err != nil {
		s.event("error", cs.fp, cs.Name(), sess.RemoteAddr(), "err", safetext.Line(err.Error()))
		fmt.Fprint(sess.Stderr(), "sglab could not open your session; try again, or tell your instructor.\r\n")
		return nil
	}
	// No tea.WithContext: wish's middleware quits the program when the
	// session ends, which Run reports as a clean exit; a cancelled context
	// would make every disconnection an "app exit with error" in the log.
	opts := append(bm.MakeOptions(sess), tea.WithAltScreen(), tea.WithFPS(s.cfg.FPS),
		tea.WithoutSignalHandler())
	g := &guard{inner: m, cs: cs}
	p := tea.NewProgram(g, opts...)
	s.mu.Lock()
	cs.program, cs.model = p, g
	s.mu.Unlock()
	return p
}

type sessionKey struct{}

func sessionOf(sess ssh.Session) *Session {
	cs, _ := sess.Context().Value(sessionKey{}).(*Session)
	return cs
}

// Session is one SSH session of the class: who it is (from the key the
// server verified), its renderer and its store.
type Session struct {
	srv      *Server
	ssh      ssh.Session
	fp       string
	role     Role
	renderer *lipgloss.Renderer
	program  *tea.Program // guarded by srv.mu
	model    *guard       // guarded by srv.mu

	mu       sync.Mutex
	learner  Learner
	enrolled bool
	attempts int
}

func (s *Server) newSession(sess ssh.Session, fp string, role Role) (*Session, error) {
	cs := &Session{srv: s, ssh: sess, fp: fp, role: role}
	if role == RoleLearner {
		l, err := s.db.FindLearner(fp)
		switch {
		case err == nil:
			cs.learner, cs.enrolled = l, true
		case !errors.Is(err, ErrNotEnrolled):
			return nil, err
		}
		if s.roster != nil { // the roster names its learners
			m, _, _ := s.roster.Lookup(fp)
			if !cs.enrolled || cs.learner.Name != m.Name {
				if cs.learner, err = s.db.Enrol(fp, m.Name); err != nil {
					return nil, err
				}
				cs.enrolled = true
			}
		}
	}
	sess.Context().SetValue(sessionKey{}, cs)
	return cs, nil
}

// Fingerprint is the SHA-256 fingerprint of the key the server verified.
func (cs *Session) Fingerprint() string { return cs.fp }

// Role is whether the session is a learner's or an instructor's.
func (cs *Session) Role() Role { return cs.role }

func (cs *Session) roleName() string {
	if cs.role == RoleInstructor {
		return "instructor"
	}
	return "learner"
}

// Server is the class the session belongs to.
func (cs *Session) Server() *Server { return cs.srv }

// Renderer is the session's lipgloss renderer: the learner's terminal's
// colours and background, never the server's.
func (cs *Session) Renderer() *lipgloss.Renderer {
	if cs.renderer == nil {
		cs.renderer = bm.MakeRenderer(cs.ssh)
	}
	return cs.renderer
}

// Context ends when the session does.
func (cs *Session) Context() context.Context { return cs.ssh.Context() }

// Name is the learner's name (an instructor's from the instructors
// file), cleaned for display.
func (cs *Session) Name() string {
	if cs.role == RoleInstructor && cs.srv.instructors != nil {
		m, _, _ := cs.srv.instructors.Lookup(cs.fp)
		return m.Name
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if !cs.enrolled {
		return ""
	}
	return CleanName(cs.learner.Name, cs.fp)
}

// LearnerID is the learner's id, once enrolled.
func (cs *Session) LearnerID() (int64, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.learner.ID, cs.enrolled
}

// Enrolled reports whether the key is enrolled; until it is, the session
// shows the enrolment prompts and nothing else.
func (cs *Session) Enrolled() bool {
	_, ok := cs.LearnerID()
	return ok || cs.role == RoleInstructor
}

// NeedsCode reports whether enrolling takes the join code.
func (cs *Session) NeedsCode() bool { return cs.srv.cfg.JoinCode != "" }

// Errors of Enrol.
var (
	ErrWrongCode    = errors.New("that is not the class's join code")
	ErrTooManyTries = fmt.Errorf("%d wrong codes: ask your instructor for the code, then connect again", MaxJoinAttempts)
	ErrNoName       = errors.New("type a name for your instructor to know you by")
)

// CheckCode checks a join code, in constant time. After MaxJoinAttempts
// wrong codes the session is refused.
func (cs *Session) CheckCode(code string) error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.attempts >= MaxJoinAttempts {
		return ErrTooManyTries
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(cs.srv.cfg.JoinCode)) == 1 {
		return nil
	}
	cs.attempts++
	cs.srv.event("join code refused", cs.fp, "", cs.ssh.RemoteAddr(), "attempt", cs.attempts)
	if cs.attempts >= MaxJoinAttempts {
		return ErrTooManyTries
	}
	return ErrWrongCode
}

// Enrol enrols the session's key under name, with the join code when the
// class has one.
func (cs *Session) Enrol(code, name string) error {
	if cs.NeedsCode() {
		if err := cs.CheckCode(code); err != nil {
			return err
		}
	}
	name = CleanName(name, "")
	if name == CleanName("", "") {
		return ErrNoName
	}
	l, err := cs.srv.db.Enrol(cs.fp, name)
	if err != nil {
		return err
	}
	cs.mu.Lock()
	cs.learner, cs.enrolled = l, true
	cs.mu.Unlock()
	cs.srv.event("enrolled", cs.fp, l.Name, cs.ssh.RemoteAddr())
	cs.srv.hub.publish(Event{Learner: l.ID, Kind: "enrolled"})
	return nil
}

// Store is the learner's store in the class database; nil until enrolled.
func (cs *Session) Store() store.Store {
	id, ok := cs.LearnerID()
	if !ok {
		return nil
	}
	return cs.srv.db.Store(id)
}

// fingerprintOf is the fingerprint of the session's verified key, or "".
func fingerprintOf(sess ssh.Session) string {
	if k := sess.PublicKey(); k != nil {
		return gossh.FingerprintSHA256(k)
	}
	return ""
}

// Assign gives the whole class an assignment: it is recorded, and every
// learner's session hears of it at once.
func (s *Server) Assign(a Assignment) (Assignment, error) {
	a, err := s.db.Assign(a)
	if err == nil {
		s.deliver()
	}
	return a, err
}

// Broadcast sends a one-line message to every learner.
func (s *Server) Broadcast(text string) error {
	if _, err := s.db.Message(text); err != nil {
		return err
	}
	s.deliver()
	return nil
}

// deliver sends the sessions the messages and assignments recorded since
// the last delivery, whoever recorded them: this server's board, or
// `sglab class board` on the same machine writing to the database.
func (s *Server) deliver() {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	msgs, err := s.db.Messages(s.lastMessage)
	if err == nil {
		for _, n := range msgs {
			s.Send(n)
			s.lastMessage = n.ID
		}
	}
	if a, ok, err := s.db.Current(); err == nil && ok && a.ID > s.lastAssignment {
		s.lastAssignment = a.ID
		s.Send(AssignmentNotice{Assignment: a, Text: a.Describe(s.cfg.Course)})
	}
}

// watch delivers what a local board records, once a second, until ctx
// ends.
func (s *Server) watch(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.deliver()
		}
	}
}

// CurrentAssignment describes the class's latest assignment, or "".
func (s *Server) CurrentAssignment() string {
	a, ok, err := s.db.Current()
	if err != nil || !ok {
		return ""
	}
	return a.Describe(s.cfg.Course)
}

// guard keeps a panic in a session's model inside the session: the panic
// is logged in one line, the learner is told, and the program ends. (Bubble
// Tea would catch it too, but print its stack on the server's terminal.)
type guard struct {
	inner   tea.Model
	cs      *Session
	crashed bool
}

func (g *guard) recovered(r any) {
	g.crashed = true
	s := g.cs.srv
	s.event("panic", g.cs.fp, g.cs.Name(), g.cs.ssh.RemoteAddr(), "panic", safetext.Line(fmt.Sprint(r)))
	s.log.Debug("panic stack", "stack", string(debug.Stack()))
}

func (g *guard) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.recovered(r)
			cmd = tea.Quit
		}
	}()
	return g.inner.Init()
}

func (g *guard) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.recovered(r)
			m, cmd = g, tea.Quit
		}
	}()
	if g.crashed {
		return g, tea.Quit
	}
	g.inner, cmd = g.inner.Update(msg)
	return g, cmd
}

func (g *guard) View() (v string) {
	defer func() {
		if r := recover(); r != nil {
			g.recovered(r)
			v = crashNote
		}
	}()
	if g.crashed {
		return crashNote
	}
	return g.inner.View()
}

// Close closes the session's model, if it has work to finish.
func (g *guard) Close() (err error) {
	defer func() {
		if r := recover(); r != nil {
			g.recovered(r)
			err = fmt.Errorf("panic while closing: %v", r)
		}
	}()
	if c, ok := g.inner.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

const crashNote = "sglab hit an internal error and closes this session; your saved work is kept. Connect again to go on."
