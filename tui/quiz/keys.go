package quiz

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func bind(keys []string, help, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// The quiz's keys. A binding that moves both ways (up and down, back and
// forth) is one binding, so the help bar spends one entry on it; the
// screen reads the direction from the key itself.
var (
	keyMove   = bind([]string{"up", "k", "down", "j"}, "↑/↓", "move")
	keyScroll = bind([]string{"pgup", "pgdown"}, "pgup/pgdn", "scroll")
	keyRead   = bind([]string{"up", "k", "down", "j", "pgup", "pgdown", "home", "end"}, "↑/↓ pgup/pgdn", "scroll")
	keyTick   = bind([]string{" "}, "space", "tick")
	keyAnswer = bind([]string{"enter"}, "enter", "answer")
	keyNext   = bind([]string{"n", "enter"}, "n/enter", "next question")
	keyDone   = bind([]string{"enter"}, "enter", "done")
	keyStart  = bind([]string{"enter"}, "enter", "start")
	keyType   = bind([]string{"enter"}, "enter", "type the answer")
	keyStop   = bind([]string{"esc"}, "esc", "stop typing")
	keyAgain  = bind([]string{"r"}, "r", "drill again")
	// keyRetry asks the questions just missed again, at once; the spaced
	// schedule brings them back later all the same.
	keyRetry = bind([]string{"m"}, "m", "review these misses now")

	// The exam's.
	keyGo       = bind([]string{"left", "right", "p", "n"}, "←/→", "question")
	keyFlag     = bind([]string{"f"}, "f", "flag")
	keyOverview = bind([]string{"o"}, "o", "overview")
	keySubmit   = bind([]string{"s"}, "s", "submit")
	keyGrid     = bind([]string{"up", "down", "left", "right", "k", "j", "h", "l"}, "arrows", "move")
	keyJump     = bind([]string{"enter"}, "enter", "go to")
	keyClose    = bind([]string{"o", "esc"}, "o/esc", "close")

	// keyLeave is esc while a drill or an exam runs: it asks before
	// leaving, where the app's own esc would close the screen at once and
	// lose the attempt. The app leaves "esc back" out of the help bar of a
	// screen that takes esc itself, so esc is listed once.
	keyLeave = bind([]string{"esc"}, "esc", "leave (asks first)")
	keyYes   = bind([]string{"y", "Y"}, "y", "yes")
	keyNo    = bind([]string{"n", "N", "esc"}, "n/esc", "no")

	// The menu's.
	keyRow    = bind([]string{"up", "k", "down", "j", "tab", "shift+tab"}, "↑/↓", "line")
	keyChange = bind([]string{"left", "h", "right", "l"}, "←/→", "change")
)

// backward reports whether a two-way key goes up, left or back.
func backward(msg tea.KeyMsg) bool {
	switch msg.String() {
	case "up", "k", "left", "h", "p", "pgup", "shift+tab":
		return true
	}
	return false
}
