package board

import (
	"os"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/sglab/sglab/internal/class"
	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/tui/internal/tuitest"
)

func TestMain(m *testing.M) {
	tuitest.Setup()
	os.Exit(m.Run())
}

// fake is a class of fixed reports; it records what the board sends.
type fake struct {
	course  *lessons.Course
	reports []class.Report

	mu       sync.Mutex
	assigned []class.Assignment
	messages []string
}

func (f *fake) Reports() ([]class.Report, error) { return f.reports, nil }
func (f *fake) Report(id int64) (class.Report, error) {
	for _, r := range f.reports {
		if r.Learner.ID == id {
			return r, nil
		}
	}
	return class.Report{}, class.ErrNotEnrolled
}
func (f *fake) Wait() ([]int64, bool) { return nil, false }
func (f *fake) Assign(a class.Assignment) (class.Assignment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a.ID = int64(len(f.assigned) + 1)
	f.assigned = append(f.assigned, a)
	return a, nil
}
func (f *fake) Broadcast(text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.messages = append(f.messages, text)
	return nil
}
func (f *fake) Assignments() ([]class.Assignment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.assigned, nil
}
func (f *fake) Course() *lessons.Course { return f.course }

func newBoard(t *testing.T, w, h int) (*Model, *fake) {
	t.Helper()
	course, ds := lessons.LoadCourse()
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	ctx := tuitest.Context(t)
	src := &fake{course: course, reports: []class.Report{
		{Learner: class.Learner{ID: 1, Name: "Ana Lima"}, Connected: true, Where: "lesson 1, page 3",
			LessonsDone: 1, Challenge: "a-firewall-around-your-instance", GoalsMet: 1, Goals: 2, Hints: 2, LastActivity: ctx.Now()},
		{Learner: class.Learner{ID: 2, Name: "Bartholomew \x1b[31mRoberts-Featherstonehaugh"}, Where: "quiz",
			QuizCorrect: 3, QuizAnswered: 4, LastActivity: ctx.Now()},
	}}
	m := New(src, ctx)
	tuitest.Run(m, tea.WindowSizeMsg{Width: w, Height: h})
	tuitest.Drive(m, runInit(m)...)
	return m, src
}

// runInit is what the board's Init asks, minus its wait for changes (the
// fake has none).
func runInit(m *Model) []tea.Msg { return []tea.Msg{m.loadAll(), m.loadAssignments()} }

func TestBoardFitsEightyColumns(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		m, _ := newBoard(t, size[0], size[1])
		v := m.View()
		if err := tuitest.CheckView(v, size[0], size[1]); err != nil {
			t.Fatalf("%dx%d: %v\n%s", size[0], size[1], err, v)
		}
		if miss := tuitest.Missing(v, "2 learners, 1 connected", "Ana Lima", "1/2", "75%", "Assigned", "Last"); len(miss) > 0 {
			t.Fatalf("%dx%d: the board lacks %q:\n%s", size[0], size[1], miss, v)
		}
		if strings.ContainsRune(v, 0x1b) {
			t.Fatalf("a learner's name reached the terminal raw:\n%q", v)
		}
	}
}

func TestBoardAssignsAndMessages(t *testing.T) {
	m, src := newBoard(t, 80, 24)
	tuitest.Drive(m, tuitest.Key("a"))
	tuitest.Drive(m, tuitest.Type("lesson 99")...)
	tuitest.Drive(m, tuitest.Key("enter"))
	if len(src.assigned) != 0 || !strings.Contains(m.View(), "lesson 99") {
		t.Fatalf("a lesson the course lacks was assigned, or the typing was lost:\n%s", m.View())
	}
	tuitest.Drive(m, tuitest.Keys("ctrl+u")...)
	tuitest.Drive(m, tuitest.Type("quiz ports 10 7")...)
	tuitest.Drive(m, tuitest.Key("enter"))
	if len(src.assigned) != 1 || src.assigned[0].Kind != "quiz" || src.assigned[0].Count != 10 || src.assigned[0].Seed != 7 {
		t.Fatalf("assigned %+v", src.assigned)
	}
	tuitest.Drive(m, runInit(m)...)
	if !strings.Contains(m.View(), "Assignment, 0 of 2 finished: quiz sheet") {
		t.Fatalf("the board does not count who finished:\n%s", m.View())
	}
	tuitest.Drive(m, tuitest.Key("m"))
	tuitest.Drive(m, tuitest.Type("Break at ten")...)
	tuitest.Drive(m, tuitest.Key("enter"))
	if len(src.messages) != 1 || src.messages[0] != "Break at ten" {
		t.Fatalf("messages %q", src.messages)
	}
}

func TestBoardSortsAndFilters(t *testing.T) {
	m, _ := newBoard(t, 120, 40)
	tuitest.Drive(m, tuitest.Key("/"))
	tuitest.Drive(m, tuitest.Type("bart")...)
	tuitest.Drive(m, tuitest.Key("enter"))
	v := m.View()
	if strings.Contains(v, "Ana Lima") || !strings.Contains(v, "Bartholomew") {
		t.Fatalf("the filter shows:\n%s", v)
	}
}
