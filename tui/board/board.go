// Package board is the instructor's live view of a class: one row per
// learner (connected or not, where they are, lessons done, goals met in
// the current challenge, hints and solutions used, quiz accuracy, last
// activity), sortable and filterable, and the two things an instructor
// does to the whole class from it: give an assignment and send a message.
package board

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/class"
	"github.com/sglab/sglab/internal/safetext"
	"github.com/sglab/sglab/lessons"
	qz "github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/theme"
)

// Source is where the board's rows come from and where its actions go:
// the server itself (events in process) or the class database on the
// same machine (polled).
type Source interface {
	// Reports returns every learner's report.
	Reports() ([]class.Report, error)
	// Report returns one learner's.
	Report(id int64) (class.Report, error)
	// Wait blocks until something changed and returns the learners it
	// changed (nil: reload everyone). It returns false when the board
	// should stop waiting.
	Wait() ([]int64, bool)
	Assign(a class.Assignment) (class.Assignment, error)
	Broadcast(text string) error
	Assignments() ([]class.Assignment, error)
	Course() *lessons.Course
}

type sortKey int

const (
	byName sortKey = iota
	byActivity
	byLessons
	byQuiz
	byConnected
	sortKeys
)

var sortNames = [...]string{"name", "last activity", "lessons done", "quiz accuracy", "connected"}

type mode int

const (
	browsing mode = iota
	filtering
	assigning
	messaging
)

// Model is the board.
type Model struct {
	src   Source
	ctx   *common.Context
	st    *theme.Styles
	now   func() time.Time
	keys  keys
	rows  map[int64]class.Report
	order []int64 // the rows shown, sorted and filtered
	sort  sortKey
	desc  bool

	filter string
	mode   mode
	input  textinput.Model

	current *class.Assignment
	status  string
	kind    common.StatusKind
	cursor  int
	offset  int

	width, height int
}

type keys struct {
	Up, Down, Sort, Reverse, Filter, Assign, Message, Cancel, Submit, Quit key.Binding
}

// New returns the board over src, in the session ctx (its styles, clock
// and mode).
func New(src Source, ctx *common.Context) *Model {
	st, now := ctx.Styles, ctx.Now
	in := textinput.New()
	in.Prompt = "> "
	in.PromptStyle = st.Accent
	in.TextStyle = st.Text
	in.PlaceholderStyle = st.Faint
	in.Cursor.Style = st.Accent
	in.CharLimit = 200
	m := &Model{src: src, ctx: ctx, st: st, now: now, rows: map[int64]class.Report{}, input: in, keys: keys{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:    key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Reverse: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reverse")),
		Filter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Assign:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "assign")),
		Message: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "message all")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Submit:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}}
	return m
}

type reportsMsg struct {
	all     bool
	reports []class.Report
	err     error
}

type assignmentsMsg struct {
	current *class.Assignment
	err     error
}

type actionMsg struct {
	text string
	err  error
}

type changedMsg struct {
	ids []int64
	ok  bool
}

// Init loads the rows and starts listening for changes.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.loadAll, m.loadAssignments, m.wait)
}

func (m *Model) loadAll() tea.Msg {
	rs, err := m.src.Reports()
	return reportsMsg{all: true, reports: rs, err: err}
}

func (m *Model) loadAssignments() tea.Msg {
	as, err := m.src.Assignments()
	if err != nil || len(as) == 0 {
		return assignmentsMsg{err: err}
	}
	return assignmentsMsg{current: &as[len(as)-1]}
}

func (m *Model) wait() tea.Msg {
	ids, ok := m.src.Wait()
	return changedMsg{ids: ids, ok: ok}
}

func (m *Model) load(ids []int64) tea.Cmd {
	if ids == nil {
		return m.loadAll
	}
	return func() tea.Msg {
		var out reportsMsg
		for _, id := range ids {
			r, err := m.src.Report(id)
			if err != nil {
				out.err = err
				continue
			}
			out.reports = append(out.reports, r)
		}
		return out
	}
}

// SetSize implements common.Component.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Capturing implements common.Capturer: while typing, every key is text.
func (m *Model) Capturing() bool { return m.mode != browsing }

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	if m.mode != browsing {
		return []key.Binding{m.keys.Submit, m.keys.Cancel}
	}
	return []key.Binding{m.keys.Up, m.keys.Down, m.keys.Sort, m.keys.Reverse, m.keys.Filter, m.keys.Assign, m.keys.Message}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
	case changedMsg:
		if !msg.ok {
			return m, nil
		}
		return m, tea.Batch(m.load(msg.ids), m.wait)
	case reportsMsg:
		if msg.err != nil {
			m.say(common.StatusErr, "Could not read the class: "+msg.err.Error())
		}
		if msg.all {
			clear(m.rows)
		}
		for _, r := range msg.reports {
			m.rows[r.Learner.ID] = r
		}
		m.arrange()
	case assignmentsMsg:
		if msg.err != nil {
			m.say(common.StatusErr, "Could not read the assignments: "+msg.err.Error())
		}
		m.current = msg.current
	case actionMsg:
		if msg.err != nil {
			m.say(common.StatusErr, msg.err.Error())
		} else {
			m.say(common.StatusOK, msg.text)
		}
		return m, tea.Batch(m.loadAssignments, m.loadAll)
	case tea.KeyMsg:
		if msg.Type == tea.KeyCtrlC || m.mode == browsing && key.Matches(msg, m.keys.Quit) {
			return m, tea.Quit
		}
		var cmd tea.Cmd
		if m.mode != browsing {
			cmd = m.typing(msg)
		} else {
			m.browse(msg)
		}
		m.scroll()
		return m, cmd
	}
	m.scroll()
	return m, nil
}

func (m *Model) say(kind common.StatusKind, text string) { m.status, m.kind = text, kind }

func (m *Model) browse(msg tea.KeyMsg) {
	switch {
	case key.Matches(msg, m.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(msg, m.keys.Down):
		m.cursor = max(min(m.cursor+1, len(m.order)-1), 0)
	case key.Matches(msg, m.keys.Sort):
		m.sort = (m.sort + 1) % sortKeys
		m.say(common.StatusInfo, "Sorted by "+sortNames[m.sort]+".")
		m.arrange()
	case key.Matches(msg, m.keys.Reverse):
		m.desc = !m.desc
		m.arrange()
	case key.Matches(msg, m.keys.Filter):
		m.open(filtering, "part of a name, or: on, off, done, stuck", m.filter)
	case key.Matches(msg, m.keys.Assign):
		m.open(assigning, "lesson 3 · challenge 3 · quiz ports 10 7 (topic, count, seed)", "")
	case key.Matches(msg, m.keys.Message):
		m.open(messaging, "one line for every learner", "")
	}
}

func (m *Model) open(md mode, placeholder, value string) {
	m.mode = md
	m.input.Placeholder = placeholder
	m.input.SetValue(value)
	m.input.CursorEnd()
	m.input.Focus()
}

func (m *Model) typing(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.mode = browsing
		return nil
	case key.Matches(msg, m.keys.Submit):
		value := strings.TrimSpace(m.input.Value())
		md := m.mode
		m.mode = browsing
		switch md {
		case filtering:
			m.filter = value
			m.cursor = 0
			m.arrange()
		case assigning:
			a, err := ParseAssignment(value, m.src.Course())
			if err != nil {
				m.say(common.StatusErr, err.Error())
				m.open(assigning, m.input.Placeholder, value) // keep what was typed
				return nil
			}
			return func() tea.Msg {
				a, err := m.src.Assign(a)
				return actionMsg{"Assigned to the class: " + a.Describe(m.src.Course()) + ".", err}
			}
		case messaging:
			if value == "" {
				return nil
			}
			return func() tea.Msg {
				return actionMsg{"Sent to every learner: " + safetext.Line(value), m.src.Broadcast(value)}
			}
		}
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if m.mode == filtering { // filter as the instructor types
		m.filter = strings.TrimSpace(m.input.Value())
		m.arrange()
	}
	return cmd
}

// ParseAssignment reads what the instructor typed: "lesson N" or
// "lesson ID", "challenge N", "quiz TOPIC COUNT SEED".
func ParseAssignment(s string, c *lessons.Course) (class.Assignment, error) {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return class.Assignment{}, fmt.Errorf("type lesson N, challenge N, or quiz TOPIC COUNT SEED")
	}
	var a class.Assignment
	switch f[0] {
	case "lesson", "challenge":
		if len(f) != 2 {
			return a, fmt.Errorf("%s needs one lesson: %s 3", f[0], f[0])
		}
		a.Kind, a.Lesson = f[0], f[1]
		if n, err := strconv.Atoi(f[1]); err == nil && n >= 1 && n <= len(c.Lessons) {
			a.Lesson = c.Lessons[n-1].ID
		}
	case "quiz":
		if len(f) != 4 {
			return a, fmt.Errorf("quiz needs a topic, a count and a seed: quiz ports 10 7")
		}
		topic, err := qz.ParseTopic(f[1])
		if err != nil {
			return a, err
		}
		count, err := strconv.Atoi(f[2])
		if err != nil {
			return a, fmt.Errorf("the count %q is not a number", safetext.Line(f[2]))
		}
		seed, err := strconv.ParseUint(f[3], 10, 64)
		if err != nil {
			return a, fmt.Errorf("the seed %q is not a number", safetext.Line(f[3]))
		}
		a.Kind, a.Topic, a.Count, a.Seed = "quiz", topic, count, seed
	default:
		return a, fmt.Errorf("an assignment is lesson N, challenge N, or quiz TOPIC COUNT SEED, not %q", safetext.Line(f[0]))
	}
	return a, class.CheckAssignment(c, a)
}

// arrange sorts and filters the rows.
func (m *Model) arrange() {
	m.order = m.order[:0]
	for id, r := range m.rows {
		if m.matches(r) {
			m.order = append(m.order, id)
		}
	}
	slices.SortFunc(m.order, func(a, b int64) int {
		ra, rb := m.rows[a], m.rows[b]
		c := 0
		switch m.sort {
		case byActivity:
			c = rb.LastActivity.Compare(ra.LastActivity) // latest first
		case byLessons:
			c = cmp.Compare(rb.LessonsDone, ra.LessonsDone)
		case byQuiz:
			c = cmp.Compare(rb.QuizPercent(), ra.QuizPercent())
		case byConnected:
			c = cmp.Compare(boolInt(rb.Connected), boolInt(ra.Connected))
		}
		if c == 0 {
			c = cmp.Or(cmp.Compare(strings.ToLower(ra.Learner.Name), strings.ToLower(rb.Learner.Name)), cmp.Compare(a, b))
		}
		if m.desc {
			c = -c
		}
		return c
	})
	m.cursor = max(min(m.cursor, len(m.order)-1), 0)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (m *Model) matches(r class.Report) bool {
	f := strings.ToLower(m.filter)
	switch f {
	case "":
		return true
	case "on":
		return r.Connected
	case "off":
		return !r.Connected
	case "done":
		return m.current != nil && r.AssignmentDone[m.current.ID].Done
	case "stuck": // in a challenge, hints used, not solved
		return r.Challenge != "" && r.GoalsMet < r.Goals && r.Hints > 0
	}
	return strings.Contains(strings.ToLower(r.Learner.Name), f)
}

// columns of the table: title and width.
var columns = []struct {
	title string
	width int
}{
	{"Learner", 18}, {"On", 3}, {"Where", 17}, {"Lessons", 7}, {"Goals", 5},
	{"Hints", 5}, {"Sol", 3}, {"Quiz", 5}, {"Last", 8}, {"Assigned", 8},
}

func (m *Model) cells(r class.Report) []string {
	on := "·"
	if r.Connected {
		on = "●"
	}
	goals := "–"
	if r.Challenge != "" {
		goals = fmt.Sprintf("%d/%d", r.GoalsMet, r.Goals)
	}
	quiz := "–"
	if p := r.QuizPercent(); p >= 0 {
		quiz = fmt.Sprintf("%d%%", p)
	}
	assigned := "–"
	if m.current != nil {
		res := r.AssignmentDone[m.current.ID]
		switch {
		case res.Done && res.Total > 0:
			assigned = fmt.Sprintf("%s %d/%d", theme.Pass, res.Score, res.Total)
		case res.Done:
			assigned = theme.Pass + " done"
		default:
			assigned = "…"
		}
	}
	where := r.Where
	if where == "" {
		where = "–"
	}
	return []string{
		safetext.Line(r.Learner.Name), on, where,
		fmt.Sprintf("%d/%d", r.LessonsDone, len(r.Lessons)), goals,
		strconv.Itoa(r.Hints), strconv.Itoa(r.Solutions), quiz, ago(m.now(), r.LastActivity), assigned,
	}
}

// ago says how long ago t was, briefly.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 5*time.Second:
		return "now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return t.Local().Format("Jan 2")
}

// widths are the columns' widths in a board w wide: at their full widths
// when they fit; narrower, where the learners are and their names give
// up room first (down to 16 and 9 cells), so that the counts and who
// finished the assignment stay on screen at 80 columns.
func widths(w int) []int {
	out := make([]int, len(columns))
	total := 2 + len(columns) - 1 // the cursor's margin and the gaps
	for k, c := range columns {
		out[k] = c.width
		total += c.width
	}
	for _, flex := range []struct{ col, least int }{{2, 16}, {0, 9}} {
		give := min(max(total-w, 0), out[flex.col]-flex.least)
		out[flex.col] -= give
		total -= give
	}
	return out
}

func row(cells []string, widths []int) string {
	parts := make([]string, len(cells))
	for k, c := range cells {
		parts[k] = common.Fit(c, widths[k])
	}
	return strings.Join(parts, " ")
}

// View implements tea.Model.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.st
	connected := 0
	for _, r := range m.rows {
		if r.Connected {
			connected++
		}
	}
	learners := "learners"
	if len(m.rows) == 1 {
		learners = "learner"
	}
	head := fmt.Sprintf("%d %s, %d connected · sorted by %s", len(m.rows), learners, connected, sortNames[m.sort])
	if m.desc {
		head += ", reversed"
	}
	if m.filter != "" {
		head += fmt.Sprintf(" · filter %q: %d shown", safetext.Line(m.filter), len(m.order))
	}
	lines := []string{st.Title.Render("Class board") + "  " + st.Muted.Render(common.Fit(head, max(m.width-13, 1)))}
	if m.current != nil {
		done := 0
		for _, r := range m.rows {
			if r.AssignmentDone[m.current.ID].Done {
				done++
			}
		}
		lines = append(lines, st.Text.Render(common.Fit(fmt.Sprintf("Assignment, %d of %d finished: %s", done, len(m.rows), m.current.Describe(m.src.Course())), m.width)))
	} else {
		lines = append(lines, st.Faint.Render("No assignment yet: a assigns a lesson, a challenge or a quiz sheet."))
	}
	titles := make([]string, len(columns))
	for k, c := range columns {
		titles[k] = c.title
	}
	ws := widths(m.width)
	lines = append(lines, "", st.Heading.Render(common.Fit("  "+row(titles, ws), m.width)))
	if len(m.order) == 0 {
		msg := "No learner has connected yet."
		if len(m.rows) > 0 {
			msg = "No learner matches the filter."
		}
		lines = append(lines, "  "+st.Muted.Render(msg))
	}
	for k := m.offset; k < len(m.order) && k < m.offset+m.room(); k++ {
		text := row(m.cells(m.rows[m.order[k]]), ws)
		if k == m.cursor {
			lines = append(lines, st.Selected.Render(common.Fit(theme.Cursor+" "+text, m.width)))
		} else {
			lines = append(lines, common.Fit("  "+text, m.width))
		}
	}
	foot := m.footer()
	lines = common.Pad(lines, m.width, m.height-len(foot))
	return common.JoinLines(append(lines, foot...))
}

// helpLine lists the keys that work now.
func (m *Model) helpLine() string {
	h := m.st.Help
	var parts []string
	bindings := m.ShortHelp()
	if m.mode == browsing {
		bindings = append(bindings, m.keys.Quit)
	}
	for _, b := range bindings {
		if b.Enabled() {
			parts = append(parts, h.ShortKey.Render(b.Help().Key)+" "+h.ShortDesc.Render(b.Help().Desc))
		}
	}
	return common.Fit(strings.Join(parts, h.ShortSeparator.Render(" • ")), m.width)
}

// headerLines is the number of lines above the table's rows.
const headerLines = 4

// room is how many rows the table shows at once.
func (m *Model) room() int { return max(m.height-headerLines-len(m.footer()), 1) }

// scroll keeps the cursor's row in view.
func (m *Model) scroll() {
	m.offset = max(min(m.offset, m.cursor), m.cursor-m.room()+1, 0)
}

// footer is the status line, the line being typed, and the keys.
func (m *Model) footer() []string {
	st := m.st
	var foot []string
	switch m.mode {
	case filtering:
		foot = []string{st.Key.Render("Filter") + " " + m.input.View()}
	case assigning:
		foot = []string{st.Key.Render("Assign to the whole class") + " " + m.input.View()}
	case messaging:
		foot = []string{st.Key.Render("Message to every learner") + " " + m.input.View()}
	}
	if m.status != "" {
		foot = append(common.StatusLines(m.ctx, m.kind, m.status, m.width), foot...)
	}
	return append(foot, m.helpLine())
}
