package lab

import "github.com/charmbracelet/bubbles/key"

func bind(keys []string, help, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// moveKeys are the keys of the panes that show a list or a grid. Left and
// right are the arrows alone: h is the hint key in a challenge's lab.
type moveKeys struct {
	Up, Down, Left, Right, Top, Bottom, PageUp, PageDown key.Binding
}

func newMoveKeys() moveKeys {
	return moveKeys{
		Up:       bind([]string{"up", "k"}, "↑/k", "up"),
		Down:     bind([]string{"down", "j"}, "↓/j", "down"),
		Left:     bind([]string{"left"}, "←", "left"),
		Right:    bind([]string{"right"}, "→", "right"),
		Top:      bind([]string{"home"}, "home", "first"),
		Bottom:   bind([]string{"end"}, "end", "last"),
		PageUp:   bind([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: bind([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
	}
}

// labKeys work wherever the focused pane does not use the key.
type labKeys struct {
	Next, Prev   key.Binding
	Fire         key.Binding
	NewGroup     key.Binding
	NewACL       key.Binding
	NewSubnet    key.Binding
	Launch       key.Binding
	Groups       key.Binding
	Services     key.Binding
	Undo, Redo   key.Binding
	Save, Open   key.Binding
	Back, Leave  key.Binding
	Cancel, Skip key.Binding
}

// all is every key the lab binds, enabled or not.
func (k labKeys) all() []string {
	var out []string
	for _, b := range []key.Binding{k.Next, k.Prev, k.Fire, k.NewGroup, k.NewACL, k.NewSubnet, k.Launch, k.Groups, k.Services,
		k.Undo, k.Redo, k.Save, k.Open, k.Back, k.Leave, k.Cancel} {
		out = append(out, b.Keys()...)
	}
	return out
}

func newLabKeys() labKeys {
	return labKeys{
		Next:     bind([]string{"tab"}, "tab", "next pane"),
		Prev:     bind([]string{"shift+tab"}, "shift+tab", "previous pane"),
		Fire:     bind([]string{"f"}, "f", "fire connection"),
		NewGroup: bind([]string{"n"}, "n", "new security group"),
		// Network ACLs and subnets, beside groups: the capital letters.
		NewACL:    bind([]string{"N"}, "N", "new network ACL"),
		NewSubnet: bind([]string{"S"}, "S", "new subnet"),
		Launch:    bind([]string{"i"}, "i", "launch instance"),
		Groups:    bind([]string{"g"}, "g", "attach/detach groups"),
		Services:  bind([]string{"s"}, "s", "start/stop services"),
		Undo:      bind([]string{"u", "ctrl+z"}, "u", "undo"),
		Redo:      bind([]string{"ctrl+r", "ctrl+y"}, "ctrl+r", "redo"),
		Back:      bind([]string{"esc"}, "esc", "back to the world"),
		Leave:     bind([]string{"b"}, "b", "leave the lab"),
		Save:      bind([]string{"ctrl+s"}, "ctrl+s", "save"),
		Open:      bind([]string{"o"}, "o", "open file"),
		// Shown in the help while a form is open or a connection waits;
		// the form and the wait handle these keys themselves.
		Cancel: bind([]string{"esc"}, "esc", "cancel"),
		Skip:   bind([]string{"any"}, "any key", "skips the wait"),
	}
}
