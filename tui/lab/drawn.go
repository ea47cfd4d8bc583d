package lab

// drawnLines keeps the lines a pane drew, by index, until what they show
// changes: a frame then draws only the lines that came into view, and a
// world of thousands of machines costs a frame what fits on the screen.
type drawnLines struct {
	lines map[int]string
	most  int // how many to keep: a few screens
}

// get is line k, drawn by draw unless it was drawn already.
func (d *drawnLines) get(k int, draw func() string) string {
	if s, ok := d.lines[k]; ok {
		return s
	}
	if d.lines == nil || len(d.lines) >= d.most {
		d.lines = map[int]string{} // scrolled far: keep only what is near the screen
	}
	s := draw()
	d.lines[k] = s
	return s
}

// reset forgets every line, for a change to what they show, and keeps a
// few screens of a pane height lines tall from now on.
func (d *drawnLines) reset(height int) {
	d.lines, d.most = nil, 4*height+64
}
