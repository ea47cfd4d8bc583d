package quiz

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/sglab/sglab/tui/common"
)

// screen is what the quiz's screens share: the env, their size, a status
// line, and a yes/no question they may be asking.
type screen struct {
	env           *env
	width, height int
	status        string
	kind          common.StatusKind
	prompt        *confirm
}

// confirm is a yes/no question that takes over the screen until answered:
// submitting an exam, leaving one.
type confirm struct {
	question string
	detail   []string
	yes, no  string // what each answer does, for the help bar
	onYes    func() tea.Cmd
}

func newScreen(e *env) screen {
	s := screen{env: e}
	if e.warn != "" {
		s.setStatus(common.StatusWarn, e.warn)
		e.warn = ""
	}
	return s
}

// Close waits for the answers and results still being written: the app
// closes a screen before quitting, and a write cut short would lose the
// last answer.
func (s *screen) Close() error { return s.env.rec.wait() }

func (s *screen) setStatus(k common.StatusKind, msg string) { s.kind, s.status = k, msg }

// statusLines is the status message, one or two lines.
func (s *screen) statusLines() []string {
	lines := common.StatusLines(s.env.ctx, s.kind, s.status, s.width)
	for k, l := range lines {
		lines[k] = common.Fit(l, s.width)
	}
	return lines
}

// bodyHeight is what the header, a blank line and the status leave.
func (s *screen) bodyHeight() int { return max(s.height-2-len(s.statusLines()), 0) }

// draw puts a screen together: the header (what left says, and right
// flush right), a blank line, the body or the question being asked, and
// the status. In accessible mode right has the line under the header to
// itself, read after it and never cut.
func (s *screen) draw(left, right string, body []string) string {
	if s.width <= 0 || s.height <= 0 {
		return ""
	}
	st := s.env.st
	head := st.Title.Render("sglab quiz") + st.Muted.Render(" · "+left)
	second := ""
	switch {
	case s.env.ctx.Accessible:
		second = right
	case right != "":
		gap := s.width - ansi.StringWidth(head) - ansi.StringWidth(right)
		head += strings.Repeat(" ", max(gap, 2)) + right
	}
	if s.prompt != nil {
		body = s.askLines()
	}
	lines := append([]string{common.Fit(head, s.width), common.Fit(second, s.width)}, common.Pad(body, s.width, s.bodyHeight())...)
	lines = append(lines, s.statusLines()...)
	return common.JoinLines(common.Pad(lines, s.width, s.height))
}

func (s *screen) askLines() []string {
	st := s.env.st
	w := min(s.width-4, textWidth)
	lines := common.Wrap(st.Heading.Render(s.prompt.question), w)
	for _, d := range s.prompt.detail {
		lines = append(lines, "")
		lines = append(lines, common.Wrap(d, w)...)
	}
	lines = append(lines, "", st.Key.Render("y")+st.Muted.Render(" "+s.prompt.yes+" · ")+st.Key.Render("n")+st.Muted.Render(" "+s.prompt.no))
	return indent(lines)
}

// asking handles a key while a question is asked: y runs its action, n
// and esc drop it. It reports whether a question was being asked.
func (s *screen) asking(msg tea.Msg) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if s.prompt == nil || !ok {
		return nil, false
	}
	switch {
	case key.Matches(km, keyYes):
		yes := s.prompt.onYes
		s.prompt = nil
		return yes(), true
	case key.Matches(km, keyNo):
		s.prompt = nil
	}
	return nil, true
}

// askKeys are the help bar's keys while a question is asked.
func (s *screen) askKeys() []key.Binding {
	y, n := keyYes, keyNo
	y.SetHelp("y", s.prompt.yes)
	n.SetHelp("n/esc", s.prompt.no)
	return []key.Binding{y, n}
}

// saved shows what went wrong in a write, if anything.
func (s *screen) saved(msg savedMsg) {
	if err := s.env.saved(msg); err != nil {
		s.setStatus(common.StatusErr, err.Error())
	} else if msg.warn != "" {
		s.setStatus(common.StatusWarn, msg.warn)
	}
}

// tickMsg is a countdown's second for the screen it names: a screen
// closed before its tick came ignores it.
type tickMsg struct{ to any }

// tick waits until the countdown's display changes (a whole second of
// remaining left), so that a countdown at 0:42.3 ticks at 0:42.0, not
// 0:41.3, and the screen redraws once a second only while the clock runs.
func tick(to any, remaining time.Duration) tea.Cmd {
	d := remaining % time.Second
	if d <= 0 {
		d = time.Second
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{to: to} })
}

// clock shows a countdown as m:ss, rounding up: 0:01 until it is over.
func clock(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// countdown is what the header says of the time left. In accessible mode
// it changes seldom, in words, so that a screen reader that speaks what
// changes on screen is not made to count the seconds: whole minutes over
// two minutes ("14 min left"), then steps of 15 seconds ("45 s left").
func (s *screen) countdown(d time.Duration) string {
	if !s.env.ctx.Accessible {
		return clock(d) + " left"
	}
	if d > 2*time.Minute {
		return fmt.Sprintf("%d min left", int((d+time.Minute-1)/time.Minute))
	}
	step := 15 * time.Second
	return fmt.Sprintf("%d s left", int((d+step-1)/step*step/time.Second))
}

// seedAt picks a quiz's seed from the time, short enough to read out to
// a class (sglab quiz --seed does the same).
func seedAt(t time.Time) uint64 { return uint64(t.UnixNano()/1000) % 1_000_000 }
