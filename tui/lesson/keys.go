package lesson

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
)

func bind(keys []string, help, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// scrollKeys move a viewport. Only these: bubbles' defaults also take h,
// l, f, b, u and d, which the screens use for other things.
func scrollKeys() viewport.KeyMap {
	return viewport.KeyMap{
		Up:           bind([]string{"up", "k"}, "↑/k", "scroll up"),
		Down:         bind([]string{"down", "j"}, "↓/j", "scroll down"),
		PageUp:       bind([]string{"pgup"}, "pgup", "page up"),
		PageDown:     bind([]string{"pgdown", " "}, "space", "page down"),
		HalfPageUp:   bind([]string{"ctrl+u"}, "ctrl+u", "half a page up"),
		HalfPageDown: bind([]string{"ctrl+d"}, "ctrl+d", "half a page down"),
	}
}

func scrollHelp(k viewport.KeyMap) []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfPageUp, k.HalfPageDown}
}

// newViewport is a viewport that scrolls with scrollKeys only.
func newViewport() viewport.Model {
	vp := viewport.New(0, 0)
	vp.KeyMap = scrollKeys()
	vp.MouseWheelEnabled = false
	return vp
}

// answerKeys are the letters of a question's choices.
var answerKeys = []string{"a", "b", "c", "d", "e", "f"}
