package lab

import "github.com/charmbracelet/bubbles/key"

func bind(keys []string, help, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// Keys shared by the panes that show a list.
var (
	keyUp       = bind([]string{"up", "k"}, "↑/k", "up")
	keyDown     = bind([]string{"down", "j"}, "↓/j", "down")
	keyLeft     = bind([]string{"left", "h"}, "←/h", "left")
	keyRight    = bind([]string{"right", "l"}, "→/l", "right")
	keyTop      = bind([]string{"home"}, "home", "first")
	keyBottom   = bind([]string{"end"}, "end", "last")
	keyPageUp   = bind([]string{"pgup", "ctrl+u"}, "pgup", "page up")
	keyPageDown = bind([]string{"pgdown", "ctrl+d"}, "pgdn", "page down")
)

// labKeys work wherever the focused pane does not use the key.
type labKeys struct {
	Next, Prev   key.Binding
	Fire         key.Binding
	NewGroup     key.Binding
	Launch       key.Binding
	Groups       key.Binding
	Services     key.Binding
	Undo, Redo   key.Binding
	Save, Open   key.Binding
	Back, Leave  key.Binding
	Cancel, Skip key.Binding
}

func newLabKeys() labKeys {
	return labKeys{
		Next:     bind([]string{"tab"}, "tab", "next pane"),
		Prev:     bind([]string{"shift+tab"}, "shift+tab", "previous pane"),
		Fire:     bind([]string{"f"}, "f", "fire connection"),
		NewGroup: bind([]string{"n"}, "n", "new security group"),
		Launch:   bind([]string{"i"}, "i", "launch instance"),
		Groups:   bind([]string{"g"}, "g", "attach/detach groups"),
		Services: bind([]string{"s"}, "s", "start/stop services"),
		Undo:     bind([]string{"u", "ctrl+z"}, "u", "undo"),
		Redo:     bind([]string{"ctrl+r", "ctrl+y"}, "ctrl+r", "redo"),
		Back:     bind([]string{"esc"}, "esc", "back to the world"),
		Leave:    bind([]string{"b"}, "b", "leave the lab"),
		Save:     bind([]string{"ctrl+s"}, "ctrl+s", "save"),
		Open:     bind([]string{"o"}, "o", "open file"),
		// Shown in the help while a form is open or a connection waits;
		// the form and the wait handle these keys themselves.
		Cancel: bind([]string{"esc"}, "esc", "cancel"),
		Skip:   bind([]string{"any"}, "any key", "skips the wait"),
	}
}
