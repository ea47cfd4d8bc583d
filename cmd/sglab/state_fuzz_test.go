package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/sglab/sglab/lessons"
	"github.com/sglab/sglab/quiz"
	"github.com/sglab/sglab/tui/app"
	"github.com/sglab/sglab/tui/common"
	"github.com/sglab/sglab/tui/lesson"
	quiztui "github.com/sglab/sglab/tui/quiz"
	"github.com/sglab/sglab/tui/theme"
)

// FuzzStateFiles writes anything as progress.json and quiz.json and opens
// everything that reads them: `sglab progress` (text and JSON), the home
// screen, the course (which opens the lesson in progress at its page), the
// quiz menu and a review. Each file must load or be set aside: no crash, no
// error but "written by a newer sglab".
func FuzzStateFiles(f *testing.F) {
	for _, seed := range [][2]string{
		{`{"schema":2,"data":{"last":"a-firewall-around-your-instance","lessons":{"a-firewall-around-your-instance":{"status":"in-progress","page":-7}}}}`,
			`{"schema":1,"data":{"questions":{"q1":null}}}`},
		{`{"schema":2,"data":{"lessons":{"inbound-and-outbound":{"status":"in-progress","page":500,"challenges":{"x":{"hints":-2}}}}}}`,
			`{"schema":1,"data":{"questions":{"ssh-port":{"topic":"ports","answered":2,"correct":1,"box":1,"due":"2000-01-01T00:00:00Z"}},"exams":[{"at":"2025-01-01T00:00:00Z","score":{"correct":1,"total":2}}]}}`},
		{`{"schema":1,"data":{"lessons":{"a":null}}}`, `{"schema":1,"data":{"drill_best":{"ports/60s":{"topic":"ports","seconds":60,"correct":9,"answered":1}}}}`},
		{`null`, `[]`},
		{`{"schema":2,"data":{"lessons":{"a-firewall-around-your-instance":{"status":"done","answers":{"q":{"choice":99}}}}}}`, `{"schema":1,"data":{}}`},
	} {
		f.Add([]byte(seed[0]), []byte(seed[1]))
	}
	course, ds := lessons.LoadCourse()
	if ds.HasErrors() {
		f.Fatal(ds)
	}
	f.Fuzz(func(t *testing.T, progress, quizFile []byte) {
		dir := t.TempDir()
		write := func() {
			os.WriteFile(filepath.Join(dir, lessons.ProgressFile), progress, 0o600)
			os.WriteFile(filepath.Join(dir, quiz.FileName), quizFile, 0o600)
		}
		newer := func(err error) bool { return err != nil && strings.Contains(err.Error(), "newer sglab") }

		write()
		for _, args := range [][]string{{"progress"}, {"progress", "--json"}} {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"--data-dir", dir}, args...), &stdout, &stderr)
			if code != exitOK && !strings.Contains(stderr.String(), "newer sglab") {
				t.Fatalf("sglab %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
			}
		}

		write() // as they were: the screens meet the files before any repair
		ctx := &common.Context{Styles: theme.New(lipgloss.DefaultRenderer(), theme.Dark), Course: course, DataDir: dir,
			Now: func() time.Time { return time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC) }}
		root := app.New(ctx, nil)
		root.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		root.View()
		if c := root.Crashed(); c != nil {
			t.Fatalf("the home screen crashed: %v\n%s", c.Value, c.Stack)
		}
		_, open := lesson.Home(ctx)
		if screen, err := open(ctx); err == nil {
			screen.SetSize(80, 24)
			screen.View()
			// The lesson in progress opens on top, at its page; enter on
			// the course list opens the lesson under the cursor.
			showPushed(t, screen.Init())
			_, cmd := screen.Update(tea.KeyMsg{Type: tea.KeyEnter})
			showPushed(t, cmd)
		} else if !newer(err) {
			t.Fatalf("the course did not open: %v", err)
		}
		for _, openQuiz := range []func() (common.Component, error){
			func() (common.Component, error) { return quiztui.Menu(ctx) },
			func() (common.Component, error) {
				return quiztui.Open(ctx, quiz.Options{Mode: quiz.ModeReview, Topic: quiz.AllTopics})
			},
		} {
			screen, err := openQuiz()
			if err != nil {
				if !newer(err) {
					t.Fatalf("the quiz did not open: %v", err)
				}
				continue
			}
			screen.SetSize(80, 24)
			screen.View()
		}
	})
}

// showPushed runs cmd and draws every screen its messages push.
func showPushed(t *testing.T, cmd tea.Cmd) {
	t.Helper()
	for _, msg := range messages(cmd) {
		if push, ok := msg.(common.PushMsg); ok {
			push.Screen.SetSize(80, 24)
			push.Screen.View()
		}
	}
}

// messages runs cmd and the commands of its batches, and returns their
// messages; a command that does not answer at once (a timer) is left.
func messages(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if batch, ok := msg.(tea.BatchMsg); ok {
			var out []tea.Msg
			for _, c := range batch {
				out = append(out, messages(c)...)
			}
			return out
		}
		return []tea.Msg{msg}
	case <-time.After(100 * time.Millisecond):
		return nil
	}
}
