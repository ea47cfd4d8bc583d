#!/usr/bin/env bash
# End-to-end test of accessible mode: runs the real binary in tmux and does
# lesson 1 reading only the screen's words, as a screen-reader user would:
# at 80x24 with ACCESSIBLE=1 and NO_COLOR, then at 120x40 with
# --accessible and colour. The form asks a line at a time inside the
# running program; a timeout waits behind a plain line and says how long
# it waited; the grid is a list; no screen carries meaning in a glyph.
set -euo pipefail
cd "$(dirname "$0")/.."

name=e2e-accessible
# shellcheck source=.ci/lib.sh
. .ci/lib.sh

# words: fail if a glyph that carries meaning shows (marks, arrows, a
# spinner's frames); frames of box-drawing characters may stay.
glyphs=(✓ ✗ ○ ◐ ● ⚑ ▸ ↻ ← → ↑ ↓ ‹ › ⠋ ⠙ ⠹ ⠸ ⠼ ⠴ ⠦ ⠧ ⠇ ⠏)
words() {
  local s g
  s=$(screen)
  for g in "${glyphs[@]}"; do
    if grep -qF -- "$g" <<<"$s"; then
      echo "e2e-accessible: $g carries meaning on screen:" >&2
      echo "$s" >&2
      exit 1
    fi
  done
}

wait_exit() {
  local deadline=$((SECONDS + 10))
  while t has-session -t e2e 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "e2e-accessible: sglab did not quit" >&2
      screen >&2
      exit 1
    fi
    sleep 0.005
  done
}

keys() { t send-keys -t e2e "$@"; }
type_text() { t send-keys -t e2e -l "$1"; }

lesson1() { # $1: the width of the screen
  wait_for "enter: open"
  words
  keys Enter
  wait_for "4 min, not started"
  words
  keys Enter
  wait_for "page 1 of 3"
  keys n n
  wait_for "Not met: A visitor opens the website on web-1 (tcp/80)"
  wait_for "Met: The website is all that is open on web-1"
  words
  keys Enter
  # One pane at a time at any size: the others fold to a line of words.
  wait_for "Connection: a visitor to web-1 HTTP 80: timeout"
  wait_for "Goals: 1 of 2 goals met"
  words
  # Fire the visitor's connection: a plain line while it waits, then how
  # long it waited (the wait is 1s).
  keys Tab Tab Enter
  wait_for "Waiting for 54.210.0.10 to answer"
  words
  wait_for "TIMED OUT after 1 s: curl: (7) Failed to connect" 5
  words
  # web-sg's rules, and a rule asked a line at a time.
  keys BTab BTab
  wait_for "> vpc-main"
  keys Down Down Enter
  wait_for "Inbound rules (0)"
  keys a
  wait_for "Enter alone keeps SSH."
  wait_for "Enter a number between 1 and 20:"
  words
  type_text "2"
  keys Enter
  wait_for "Enter a number between 1 and 4:"
  wait_for "Type: HTTP, Protocol: TCP, Port range: 80"
  keys Enter
  wait_for "Description (optional)"
  keys Enter
  wait_for "Goals: Solved: both goals met."
  wait_for "Connection: a visitor to web-1 HTTP 80: connected"
  words
  keys f
  wait_for "CONNECTED: HTTP/1.1 200 OK"
  words
  # The grid: a list read in order.
  keys Tab
  wait_for "a visitor to web-1: HTTP 80 connected"
  words
  keys b
  wait_for "Solved. Press enter to open the lab again"
  keys n
  wait_for "Press a, b, c or d to answer."
  keys b
  wait_for "Right."
  words
  keys n
  wait_for "Lesson 1 done: A firewall around your instance"
  words
  keys q
  wait_exit
}

t -f /dev/null new-session -d -s e2e -x 80 -y 24 \
  "env TERM=tmux-256color COLORFGBG='15;0' NO_COLOR=1 ACCESSIBLE=1 SGLAB_HOME='$work/home1' '$work/sglab' --timeout-seconds 1"
t set -s escape-time 0
lesson1

t -f /dev/null new-session -d -s e2e -x 120 -y 40 \
  "env TERM=tmux-256color COLORFGBG='15;0' SGLAB_HOME='$work/home2' '$work/sglab' --accessible --timeout-seconds 1"
t set -s escape-time 0
lesson1

echo "e2e-accessible: ok"
