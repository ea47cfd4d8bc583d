package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/log"
	gossh "golang.org/x/crypto/ssh"

	"github.com/sglab/sglab/internal/class"
	"github.com/sglab/sglab/internal/class/classtest"
)

// syncBuffer is a log the server and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type testClass struct {
	addr string
	srv  *class.Server
	dir  string
	log  *syncBuffer
}

// startClass runs a class server on a free loopback port until the test
// ends. model, when set, replaces the app (for the panic test).
func startClass(t testing.TB, cfg class.Config, model func(cs *class.Session) (tea.Model, error)) *testClass {
	t.Helper()
	tc := &testClass{log: &syncBuffer{}}
	if cfg.Dir == "" {
		cfg.Dir = filepath.Join(t.TempDir(), "class")
	}
	tc.dir = cfg.Dir
	cfg.Listen = "127.0.0.1:0"
	cfg.Logger = log.NewWithOptions(tc.log, log.Options{ReportTimestamp: true, Level: log.InfoLevel})
	cfg.Model = model
	if model == nil {
		cfg.Model = func(cs *class.Session) (tea.Model, error) { return sessionModel(cs, 0) }
	}
	srv, err := class.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tc.addr, tc.srv = ln.Addr().String(), srv
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return tc
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// connect opens a learner's terminal of 160×30 with key (wide enough
// that the home screen's sentences stay on one line).
func connect(t testing.TB, addr string, key classtest.Key) *classtest.Term {
	t.Helper()
	c, err := classtest.Dial(addr, "anyone", gossh.PublicKeys(key.Signer))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	term, err := classtest.Open(c, 160, 30)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(term.Close)
	return term
}

func waitFor(t testing.TB, term *classtest.Term, text string) {
	t.Helper()
	if err := term.WaitFor(text, 0, 20*time.Second); err != nil {
		t.Fatal(err)
	}
}

// waitAfter waits for text drawn after the mark (a Len taken earlier).
func waitAfter(t testing.TB, term *classtest.Term, mark int, text string) {
	t.Helper()
	if err := term.WaitFor(text, mark, 20*time.Second); err != nil {
		t.Fatal(err)
	}
}

func rosterClass(t *testing.T, learners map[string]classtest.Key) *testClass {
	t.Helper()
	var lines strings.Builder
	for name, k := range learners {
		lines.WriteString(k.AuthorizedLine(name))
	}
	roster := writeFile(t, t.TempDir(), "roster", "# the class\n"+lines.String())
	return startClass(t, class.Config{RosterFile: roster}, nil)
}

func TestServeRefusesToStartWithoutAWayIn(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"serve", "--class", t.TempDir()}, &out, &errb)
	if code != exitInvalid || !strings.Contains(errb.String(), "nobody") {
		t.Fatalf("serve with no --roster, --join-code or --open: exit %d, %q", code, errb.String())
	}
	code = run([]string{"serve", "--class", t.TempDir(), "--open", "--roster", "x"}, &out, &errb)
	if code != exitInvalid {
		t.Fatalf("serve --open --roster: exit %d", code)
	}
}

func TestServeRosteredKeyGetsIn(t *testing.T) {
	ana := classtest.NewKey(t)
	tc := rosterClass(t, map[string]classtest.Key{"Ana Lima": ana})
	term := connect(t, tc.addr, ana)
	waitFor(t, term, "Learn AWS security groups")
	waitFor(t, term, "Course")
	// Identity is the verified key's fingerprint, whatever user name.
	l, err := tc.srv.DB().FindLearner(ana.Fingerprint())
	if err != nil || l.Name != "Ana Lima" {
		t.Fatalf("learner of Ana's key: %+v, %v", l, err)
	}
	if !strings.Contains(tc.log.String(), "event=connected") || !strings.Contains(tc.log.String(), ana.Fingerprint()) {
		t.Fatalf("no connection log line with the fingerprint:\n%s", tc.log)
	}
	// The host key was made, readable by its owner alone.
	fi, err := os.Stat(filepath.Join(tc.dir, class.HostKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key: %v, %v", fi, err)
	}
}

func TestServeRefusesUnknownKeyNoKeyAndPassword(t *testing.T) {
	ana := classtest.NewKey(t)
	tc := rosterClass(t, map[string]classtest.Key{"Ana": ana})
	stranger := classtest.NewKey(t)
	if c, err := classtest.Dial(tc.addr, "ana", gossh.PublicKeys(stranger.Signer)); err == nil {
		c.Close()
		t.Fatal("an unlisted key got in")
	}
	if c, err := classtest.Dial(tc.addr, "ana"); err == nil {
		c.Close()
		t.Fatal("a client with no key got in")
	}
	if c, err := classtest.Dial(tc.addr, "ana", gossh.Password("hunter2")); err == nil {
		c.Close()
		t.Fatal("a password got in")
	}
	kbd := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return []string{"x"}, nil })
	if c, err := classtest.Dial(tc.addr, "ana", kbd); err == nil {
		c.Close()
		t.Fatal("keyboard-interactive got in")
	}
	// Offering Ana's public key without proving it (the stranger signs)
	// must not get in as Ana.
	if c, err := classtest.Dial(tc.addr, "ana", gossh.PublicKeys(offerOnly{ana.Public, stranger.Signer})); err == nil {
		c.Close()
		t.Fatal("a key merely offered got in")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(tc.log.String(), "event=refused") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(tc.log.String(), stranger.Fingerprint()) {
		t.Fatalf("the refusal of the stranger's key is not logged:\n%s", tc.log)
	}
}

// offerOnly offers one public key and signs with another key: what a
// client that does not hold the key it offers can do.
type offerOnly struct {
	pub    gossh.PublicKey
	signer gossh.Signer
}

func (o offerOnly) PublicKey() gossh.PublicKey { return o.pub }
func (o offerOnly) Sign(r io.Reader, data []byte) (*gossh.Signature, error) {
	return o.signer.Sign(r, data)
}

func TestServeJoinCode(t *testing.T) {
	tc := startClass(t, class.Config{JoinCode: "tuesday-42"}, nil)
	bo := classtest.NewKey(t)
	term := connect(t, tc.addr, bo)
	waitFor(t, term, "join code")
	if strings.Contains(term.Text(), "Learn AWS security groups") {
		t.Fatal("the app showed before the code")
	}
	mark := term.Len()
	term.Type("guess", "enter")
	waitAfter(t, term, mark, "not the class's join code")
	mark = term.Len()
	term.Type("tuesday-42", "enter")
	waitAfter(t, term, mark, "Type your name")
	term.Type("Bo \x1b[31mRed", "enter")
	waitFor(t, term, "Learn AWS security groups")
	l, err := tc.srv.DB().FindLearner(bo.Fingerprint())
	if err != nil || strings.ContainsRune(l.Name, 0x1b) || !strings.HasPrefix(l.Name, "Bo") {
		t.Fatalf("enrolled learner: %+v, %v", l, err)
	}
	if strings.Contains(tc.log.String(), "tuesday-42") || strings.Contains(tc.log.String(), "guess") {
		t.Fatalf("the log holds a join code:\n%s", tc.log)
	}
	// Enrolled now: the next connection goes straight in.
	term.Close()
	again := connect(t, tc.addr, bo)
	waitFor(t, again, "Learn AWS security groups")
}

func TestServeWrongCodesEndTheSession(t *testing.T) {
	tc := startClass(t, class.Config{JoinCode: "tuesday-42"}, nil)
	k := classtest.NewKey(t)
	term := connect(t, tc.addr, k)
	waitFor(t, term, "join code")
	for range class.MaxJoinAttempts {
		term.Type("wrong", "enter")
	}
	if err := term.WaitClosed(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := tc.srv.DB().FindLearner(k.Fingerprint()); err != class.ErrNotEnrolled {
		t.Fatalf("a key with wrong codes was enrolled: %v", err)
	}
}

// Two learners at once: each one's progress is their own.
func TestServeTwoLearnersSeeOnlyTheirOwnProgress(t *testing.T) {
	ana, bo := classtest.NewKey(t), classtest.NewKey(t)
	tc := rosterClass(t, map[string]classtest.Key{"Ana": ana, "Bo": bo})
	ta, tb := connect(t, tc.addr, ana), connect(t, tc.addr, bo)
	waitFor(t, ta, "Start with lesson 1")
	waitFor(t, tb, "Start with lesson 1")
	ta.Type("enter")
	waitFor(t, ta, "Inbound and outbound") // the course's list
	ta.Type("enter")
	waitFor(t, ta, "page 1 of")
	mark := ta.Len()
	ta.Type("n")
	waitAfter(t, ta, mark, "page 2 of")
	// Bo, meanwhile, opens the quiz menu and comes back: his home still
	// offers lesson 1 from the start.
	mark = tb.Len()
	tb.Type("down", "enter")
	waitAfter(t, tb, mark, "fire a test connection")
	ta.Type("ctrl+c")
	ta.WaitClosed(20 * time.Second)
	ta.Close()
	// Ana comes back where she left off; Bo never sees her progress.
	again := connect(t, tc.addr, ana)
	waitFor(t, again, "Continue where you left off: lesson 1")
	if strings.Contains(tb.Text(), "Continue where you left off") {
		t.Fatal("Bo's session shows Ana's progress")
	}
	tb2 := connect(t, tc.addr, bo)
	waitFor(t, tb2, "Start with lesson 1")
}

// A panic in one session ends that session only.
func TestServePanicInOneSessionLeavesOthersRunning(t *testing.T) {
	ana, bo := classtest.NewKey(t), classtest.NewKey(t)
	var lines strings.Builder
	lines.WriteString(ana.AuthorizedLine("Ana"))
	lines.WriteString(bo.AuthorizedLine("Bo"))
	roster := writeFile(t, t.TempDir(), "roster", lines.String())
	tc := startClass(t, class.Config{RosterFile: roster}, func(cs *class.Session) (tea.Model, error) {
		if cs.Name() == "Ana" {
			return panicky{}, nil
		}
		return sessionModel(cs, 0)
	})
	before := runtime.NumGoroutine()
	ta, tb := connect(t, tc.addr, ana), connect(t, tc.addr, bo)
	waitFor(t, ta, "press p")
	waitFor(t, tb, "Learn AWS security groups")
	ta.Type("p")
	if err := ta.WaitClosed(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	mark := tb.Len()
	tb.Type("down", "enter")
	waitAfter(t, tb, mark, "fire a test connection")
	if tb.Closed() {
		t.Fatal("Bo's session ended with Ana's")
	}
	tb.Close()
	ta.Close()
	settled(t, before)
}

// settled waits until the process runs no more goroutines than before
// (with a little slack for the runtime's own), or fails: every session's
// program, renderer and readers end with the session.
func settled(t testing.TB, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before+2 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before the sessions:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type panicky struct{}

func (panicky) Init() tea.Cmd { return nil }
func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "p" {
		panic("injected")
	}
	return p, nil
}
func (panicky) View() string { return "press p to panic" }

// An instructor's key gets the board. It shows a learner's goal met within
// one second of the learner's action; an assignment from it reaches the
// learner's home first, and the board shows who finished it; a message
// reaches every learner.
func TestServeInstructorBoardIsLive(t *testing.T) {
	ana, teacher := classtest.NewKey(t), classtest.NewKey(t)
	dir := t.TempDir()
	roster := writeFile(t, dir, "roster", ana.AuthorizedLine("Ana"))
	instructors := writeFile(t, dir, "instructors", teacher.AuthorizedLine("Teacher"))
	tc := startClass(t, class.Config{RosterFile: roster, InstructorsFile: instructors}, nil)

	ta := connect(t, tc.addr, ana)
	waitFor(t, ta, "Start with lesson 1")
	board := connect(t, tc.addr, teacher)
	waitFor(t, board, "Ana")
	if strings.Contains(board.Text(), "Start with lesson 1") {
		t.Fatal("the instructor got the course, not the board")
	}

	// Ana opens lesson 1's lab: the engine finds one of its two goals
	// met, and the board says so within a second.
	ta.Type("enter")
	waitFor(t, ta, "Inbound and outbound")
	ta.Type("enter")
	waitFor(t, ta, "page 1 of 3")
	ta.Type("n", "n")
	waitFor(t, ta, "page 3 of 3")
	mark := board.Len()
	start := time.Now()
	ta.Type("enter")
	if err := board.WaitFor("1/2", mark, time.Second); err != nil {
		t.Fatalf("the board did not show Ana's goal within one second of her key: %v", err)
	}
	t.Logf("the board showed the goal %v after the learner's key", time.Since(start).Round(time.Millisecond))

	// The instructor assigns lesson 1 and sends a message.
	// (A key waits for the line it opens: keys that arrive together reach
	// Bubble Tea as one.)
	mark = ta.Len()
	bmark := board.Len()
	board.Type("a")
	waitAfter(t, board, bmark, "Assign to the whole class")
	board.Type("lesson 1", "enter")
	waitAfter(t, board, bmark, "Assigned to the class")
	waitAfter(t, ta, mark, "New assignment: lesson 1")
	bmark = board.Len()
	board.Type("m")
	waitAfter(t, board, bmark, "Message")
	board.Type("Break at ten", "enter")
	waitAfter(t, ta, mark, "Message from your instructor: Break at ten")

	// Ana finishes lesson 1: back to its question, answer, finish.
	mark = board.Len()
	for _, step := range []struct{ key, then string }{
		{"b", "page 3 of 3"}, {"n", "question 1 of 1"}, {"b", "finish"}, {"n", "Lesson 1 done"},
	} {
		m := ta.Len()
		ta.Type(step.key)
		waitAfter(t, ta, m, step.then)
	}
	waitAfter(t, board, mark, "✓ done")
}

// More sessions than --max-sessions: the next one is told, politely, and
// logged; one without a terminal is turned away (activeterm).
func TestServeFullClassAndNoTerminal(t *testing.T) {
	ana, bo := classtest.NewKey(t), classtest.NewKey(t)
	dir := t.TempDir()
	roster := writeFile(t, dir, "roster", ana.AuthorizedLine("Ana")+bo.AuthorizedLine("Bo"))
	tc := startClass(t, class.Config{RosterFile: roster, MaxSessions: 1, SessionBurst: 10}, nil)
	ta := connect(t, tc.addr, ana)
	waitFor(t, ta, "Start with lesson 1")

	c, err := classtest.Dial(tc.addr, "bo", gossh.PublicKeys(bo.Signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	out, _ := s.CombinedOutput("")
	if !strings.Contains(string(out), "the class is full") {
		t.Fatalf("the session past --max-sessions saw %q", out)
	}
	if !strings.Contains(tc.log.String(), "class full") {
		t.Fatalf("the refusal is not logged:\n%s", tc.log)
	}

	// Ana leaves; Bo, without a terminal, is turned away all the same.
	ta.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s2, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		out, _ = s2.CombinedOutput("")
		if !strings.Contains(string(out), "the class is full") || time.Now().After(deadline) {
			break // Ana's session has ended
		}
	}
	if strings.Contains(string(out), "Learn AWS") || !strings.Contains(strings.ToLower(string(out)), "pty") {
		t.Fatalf("a session without a terminal saw %q", out)
	}
}

// The host key is made on the first start, mode 0600, and the same key
// is served after a restart: learners' clients recognise the server.
func TestServeHostKeyIsMadeOnceAndKept(t *testing.T) {
	ana := classtest.NewKey(t)
	dir := t.TempDir()
	roster := writeFile(t, dir, "roster", ana.AuthorizedLine("Ana"))
	classDir := filepath.Join(dir, "class")
	hostKey := func() gossh.PublicKey {
		tc := startClass(t, class.Config{RosterFile: roster, Dir: classDir}, nil)
		var seen gossh.PublicKey
		cfg := &gossh.ClientConfig{User: "ana", Auth: []gossh.AuthMethod{gossh.PublicKeys(ana.Signer)},
			HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error { seen = k; return nil }, Timeout: 10 * time.Second}
		c, err := gossh.Dial("tcp", tc.addr, cfg)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		tc.srv.Shutdown(ctx)
		return seen
	}
	first := hostKey()
	fi, err := os.Stat(filepath.Join(classDir, class.HostKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the host key: %v, %v", fi, err)
	}
	if second := hostKey(); first == nil || !bytes.Equal(first.Marshal(), second.Marshal()) {
		t.Fatal("the server's host key changed across a restart")
	}
}
