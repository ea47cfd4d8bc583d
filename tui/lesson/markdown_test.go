package lesson

import (
	"testing"

	"github.com/charmbracelet/glamour/styles"
	"github.com/muesli/termenv"

	"github.com/sglab/sglab/lessons"
)

// BenchmarkRenderLesson renders every text of lesson 3 (a table, a list,
// inline code and emphasis) at the width of an 80-column terminal.
func BenchmarkRenderLesson(b *testing.B) {
	c, _ := lessons.LoadCourse()
	ls := c.Lesson("anatomy-of-a-rule")
	var texts []string
	for _, p := range ls.Pages {
		texts = append(texts, p.Markdown)
	}
	for _, q := range ls.Questions {
		texts = append(texts, q.Prompt, q.Explanation)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range texts {
			render(styles.DarkStyle, termenv.TrueColor, src, 76)
		}
	}
}
