#!/usr/bin/env bash
# docs/screenshots.sh renders the README's pictures from the real binary:
# it builds sglab, drives it in tmux as a learner would, captures each pane
# with its colours (capture-pane -e) and renders the capture with
# charmbracelet/freeze into docs/img/*.svg. Run it after any change to the
# screens it shows:
#
#   docs/screenshots.sh            # needs tmux and Go (freeze comes from the module proxy)
#
# The captures themselves are kept beside the pictures (docs/img/*.ansi),
# so a reviewer can read what changed in plain text.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/docs/img"
work=$(mktemp -d)
sock="$work/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$out"

command -v tmux >/dev/null || { echo "screenshots: needs tmux" >&2; exit 1; }
go build -C "$root" -o "$work/sglab" ./cmd/sglab
freeze=(go run github.com/charmbracelet/freeze@v0.2.2)

t() { tmux -S "$sock" "$@"; }
keys() { t send-keys -t shot "$@"; }
type_text() { t send-keys -t shot -l "$1"; }
screen() { t capture-pane -p -t shot; }

# wait_for TEXT [SECONDS]: wait until TEXT shows on screen.
wait_for() {
  local deadline=$((SECONDS + ${2:-10}))
  until screen | grep -qF -- "$1"; do
    if ((SECONDS > deadline)); then
      echo "screenshots: never saw: $1" >&2
      screen >&2
      exit 1
    fi
    sleep 0.05
  done
}

# start COLS ROWS ARGS...: run sglab in a fresh state directory. The
# terminal says it is dark (COLORFGBG), as most are, so that the pictures
# do not depend on the terminal the script runs in.
start() {
  local cols=$1 rows=$2
  shift 2
  rm -rf "$work/home"
  t -f /dev/null new-session -d -s shot -x "$cols" -y "$rows" \
    "exec env TERM=tmux-256color COLORTERM=truecolor COLORFGBG='15;0' SGLAB_HOME='$work/home' '$work/sglab' $*"
  t set -s escape-time 0
}

# full_sgr rewrites every SGR sequence of a capture as the whole state it
# leaves (reset, then each attribute still on): freeze v0.2.2 knows 0 but
# not the partial resets tmux writes (39 default foreground, 49 default
# background, 22, 23, 24), and would paint on in the last colour.
full_sgr() {
  perl -pe '
    BEGIN { %s = () }
    s{\e\[([0-9;]*)m}{
      my @p = split /;/, ($1 eq "" ? "0" : $1);
      while (@p) {
        my $c = shift @p;
        if ($c == 0) { %s = () }
        elsif ($c == 1 || $c == 2) { $s{w} = $c } elsif ($c == 22) { delete $s{w} }
        elsif ($c == 3) { $s{i} = 3 } elsif ($c == 23) { delete $s{i} }
        elsif ($c == 4) { $s{u} = 4 } elsif ($c == 24) { delete $s{u} }
        elsif ($c == 7) { $s{r} = 7 } elsif ($c == 27) { delete $s{r} }
        elsif ($c == 9) { $s{x} = 9 } elsif ($c == 29) { delete $s{x} }
        elsif ($c == 38 || $c == 48) {
          my $k = $c == 38 ? "f" : "b";
          my $m = shift @p;
          $s{$k} = $m == 5 ? "$c;5;" . shift(@p) : "$c;2;" . join(";", splice(@p, 0, 3));
        }
        elsif ($c == 39) { delete $s{f} } elsif ($c == 49) { delete $s{b} }
        elsif (($c >= 30 && $c <= 37) || ($c >= 90 && $c <= 97)) { $s{f} = $c }
        elsif (($c >= 40 && $c <= 47) || ($c >= 100 && $c <= 107)) { $s{b} = $c }
      }
      "\e[" . join(";", 0, map { $s{$_} } grep { exists $s{$_} } qw(w i u r x f b)) . "m"
    }ge'
}

# shoot NAME: capture the screen with its colours and render it.
shoot() {
  sleep 0.3 # let a last redraw land
  t capture-pane -e -p -t shot | full_sgr >"$out/$1.ansi"
  "${freeze[@]}" "$out/$1.ansi" --output "$out/$1.svg" --window=false --padding 20 --margin 0 >/dev/null
  t kill-session -t shot
  echo "screenshots: docs/img/$1.svg"
}

# 1. The lab after the README's story ("SSH from my IP only"), step by step.
start 120 40 lab --timeout-seconds 0
wait_for "Not fired yet"
keys n
wait_for "┃ Security group name"
type_text "ssh-from-me"
keys Enter
wait_for "┃ Description"
type_text "SSH from my laptop"
keys Enter
wait_for "Created security group ssh-from-me"
keys Enter
wait_for "┃ Type"
keys Enter
wait_for "┃ Source"
keys Enter
wait_for "┃ Description (optional)"
type_text "my laptop"
keys Enter
wait_for "Added an inbound rule to ssh-from-me"
keys g
wait_for "┃ Instances with ssh-from-me"
keys Space Enter
wait_for "ssh-from-me is now attached to web-1"
keys f
wait_for "CONNECTED"

keys Right Enter
wait_for "TIMED OUT"
keys Escape
wait_for "┏━ World"
keys Down s
wait_for "┃ Running"
keys Space Enter
wait_for "┃ Other services"
keys Enter
wait_for "Services on web-1: nothing"
keys Tab Tab
wait_for "was connected → now refused"
keys Down Down Down Down Enter
wait_for "✗ REFUSED"
shoot lab

# 2. A lesson's challenge, with its goals beside the lab.
start 120 40
wait_for "Course"
keys Enter
wait_for "SSH from your computer only"
keys Down Down Down Enter
wait_for "page 1 of"
keys Right
wait_for "Your turn"
keys Enter
wait_for "goals met"
shoot lesson

# 3. A mock exam's result. The answers come from the sheet of the same
# seed (`sglab quiz --print --json`), with question 2 answered wrong so
# that the result shows a miss and its review.
seed=7 count=5
sheet=$("$work/sglab" quiz --print --json --seed "$seed" --count "$count")
start 100 32 quiz --mode exam --seed "$seed" --count "$count"
wait_for "question 1 of $count"
for ((i = 0; i < count; i++)); do
  wait_for "question $((i + 1)) of $count"
  q=$(jq -c ".questions[$i]" <<<"$sheet")
  if [[ $(jq 'has("correct")' <<<"$q") == true ]]; then
    for k in $(jq -r '.correct[]' <<<"$q"); do
      if ((i == 1)); then k=$(((k + 1) % $(jq '.choices | length' <<<"$q"))); fi
      keys "$(printf "\\x$(printf %x $((97 + k)))")"
    done
    sleep 0.2
    if ((i < count - 1)); then keys Right; fi
  else
    # enter starts typing; enter again answers and moves on.
    keys Enter
    type_text "$(jq -r '.answer' <<<"$q")"
    keys Enter
  fi
done
keys s
wait_for "Submit the exam?"
keys y
wait_for "Score"
shoot exam
