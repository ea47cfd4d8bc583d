package quiz

import (
	"fmt"
	"slices"
)

// Options are what a quiz was asked for on the command line.
type Options struct {
	Mode  Mode
	Topic Topic
	Count int // questions; 0 for a drill, and for a review of everything due
	Seed  uint64
}

// Validate checks the options against the modes and the bank: a count the
// mode takes and the bank can fill.
func (o Options) Validate() error {
	if _, err := ParseMode(string(o.Mode)); err != nil {
		return err
	}
	if _, err := ParseTopic(string(o.Topic)); err != nil {
		return err
	}
	switch o.Mode {
	case ModeDrill:
		if o.Count != 0 {
			return fmt.Errorf("a drill runs against the clock, not for a number of questions")
		}
		return nil
	case ModeReview:
		// A review asks what is due; a count only caps it.
		if o.Count < 0 || o.Count > MaxCount {
			return fmt.Errorf("the number of questions is 1 to %d, not %d", MaxCount, o.Count)
		}
		return nil
	}
	return checkCount(o.Topic, o.Count)
}

func checkCount(topic Topic, count int) error {
	if count < 1 || count > MaxCount {
		return fmt.Errorf("the number of questions is 1 to %d, not %d", MaxCount, count)
	}
	if n := Capacity(topic); n >= 0 && count > n {
		return fmt.Errorf("the bank has %d %s questions: ask for %d or fewer", n, topic, n)
	}
	return nil
}

// Capacity is how many different questions a topic has, or -1 when it has
// no end (scenarios are generated, and so any mix that has them).
func Capacity(topic Topic) int {
	if topic == Scenarios || topic == AllTopics {
		return -1
	}
	return len(theBank().byTopic[topic])
}

// Pick returns count questions on topic (or AllTopics), all different, in
// an order that depends only on seed: the same seed gives every learner
// of a class the same questions in the same order.
func Pick(topic Topic, count int, seed uint64) ([]Question, error) {
	if err := checkCount(topic, count); err != nil {
		return nil, err
	}
	d := newDeck(topic, seed, false)
	qs := make([]Question, 0, count)
	for len(qs) < count {
		// Scenario questions get harder along the sheet, from the first
		// level to the last.
		d.level = MinLevel + len(qs)*(MaxLevel-MinLevel+1)/count
		q, _ := d.next() // checkCount made sure the deck can fill count
		qs = append(qs, q)
	}
	return qs, nil
}

// Lookup returns the question with this id: a bank question, or a
// generated one rebuilt from its id. It is how review brings back a
// question missed days ago.
func Lookup(id string) (Question, bool) {
	if q, ok := theBank().byID[id]; ok {
		return q, true
	}
	kind, level, seed, ok := parseScenarioID(id)
	if !ok {
		return Question{}, false
	}
	q, err := Generate(kind, level, seed)
	return q, err == nil
}

// deck deals questions from the bank, shuffled by the seed, and generates
// scenario questions from seeds derived from it. For a mix of topics each
// question's topic is drawn at random among those left.
type deck struct {
	r      *rng
	seed   uint64
	topics []Topic
	pools  map[Topic][]Question
	// cycle reshuffles a topic's questions when they run out (drills go on
	// until the time is up) instead of dropping the topic.
	cycle bool
	drawn uint64
	// level is the level of the next scenario question.
	level int
}

func newDeck(topic Topic, seed uint64, cycle bool) *deck {
	d := &deck{r: newRNG(seed), seed: seed, pools: map[Topic][]Question{}, cycle: cycle, level: DefaultLevel}
	d.topics = []Topic{topic}
	if topic == AllTopics {
		d.topics = slices.Clone(Topics)
	}
	for _, t := range d.topics {
		if t != Scenarios {
			d.pools[t] = d.shuffled(t)
		}
	}
	return d
}

func (d *deck) shuffled(t Topic) []Question {
	qs := slices.Clone(theBank().byTopic[t])
	shuffle(d.r, qs)
	return qs
}

// next deals a question; false when the deck does not cycle and every
// topic has run out.
func (d *deck) next() (Question, bool) {
	for len(d.topics) > 0 {
		t := pick(d.r, d.topics)
		if t == Scenarios {
			return d.scenario(), true
		}
		if len(d.pools[t]) == 0 && d.cycle {
			d.pools[t] = d.shuffled(t)
		}
		if len(d.pools[t]) == 0 {
			d.topics = slices.DeleteFunc(d.topics, func(x Topic) bool { return x == t })
			continue
		}
		q := d.pools[t][0].shuffled(d.r)
		d.pools[t] = d.pools[t][1:]
		return q, true
	}
	return Question{}, false
}

// scenario generates the next scenario question at the deck's level, its
// kind and world drawn from a seed derived from the deck's, so that it can
// be rebuilt from its id alone.
func (d *deck) scenario() Question {
	for range maxWorlds {
		d.drawn++
		s := derive(d.seed, d.drawn)
		if q, err := Generate(ScenarioKinds[s%uint64(len(ScenarioKinds))], d.level, s); err == nil {
			return q
		}
	}
	panic("quiz: the scenario generator found no question for many seeds in a row")
}
