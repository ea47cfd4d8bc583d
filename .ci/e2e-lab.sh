#!/usr/bin/env bash
# End-to-end test of the lab: runs the real binary in tmux and drives the
# SSH-from-my-IP story with keys, checking the screen as a person would see
# it: fire SSH from your computer (a timeout), create a group, add SSH from
# My IP, attach it, and the Connection pane says "connected" at once,
# without firing again (issue 8: no stale verdict); fire from someone
# else's (a timeout, with its countdown), stop sshd (refused, at once), esc
# stays in the lab, b leaves it. It also reports the time to first frame.
set -euo pipefail
cd "$(dirname "$0")/.."

name=e2e-lab
# shellcheck source=.ci/lib.sh
. .ci/lib.sh

# wait_exit: poll until sglab has quit (its tmux session ends with it).
wait_exit() {
  local deadline=$((SECONDS + 10))
  while t has-session -t e2e 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "e2e-lab: sglab did not quit" >&2
      screen >&2
      exit 1
    fi
    sleep 0.005
  done
}

# gone TEXT: fail if TEXT shows.
gone() {
  if screen | grep -qF -- "$1"; then
    echo "e2e-lab: unexpected on screen: $1" >&2
    screen >&2
    exit 1
  fi
}

keys() { t send-keys -t e2e "$@"; }
type_text() { t send-keys -t e2e -l "$1"; }
# A form moves to its next field through a command: wait for the field to
# show focused (the bar left of its title) before typing, as a person would.
focused() { wait_for "┃ $1"; }

# The session notes the time just before it starts sglab, so the time to
# the first frame leaves tmux's own start out.
t -f /dev/null new-session -d -s e2e -x 80 -y 24 \
  "date +%s%N > '$work/t0'; exec env TERM=tmux-256color COLORFGBG='15;0' SGLAB_HOME='$work/home' '$work/sglab' lab --timeout-seconds 1"
t set -s escape-time 0
wait_for "sglab lab"
echo "e2e-lab: first frame after $((($(date +%s%N) - $(cat "$work/t0")) / 1000000)) ms"

# 80x24: the panes stack, the focused one unfolded.
wait_for "▸ Connection"

# SSH from your computer before any rule: it times out (the wait is 1s).
keys f
wait_for "TIMED OUT" 5
wait_for "No inbound rule of default allows tcp/22"

# Create a security group.
keys n
focused "Security group name"
type_text "ssh-from-me"
keys Enter
focused "Description"
type_text "SSH from my laptop"
keys Enter
wait_for "Created security group ssh-from-me"

# Add SSH from My IP: the cursor is on "+ Add inbound rule".
keys Enter
focused "Type"
wait_for "My IP  203.0.113.10/32"
keys Enter
focused "Source"
keys Enter
focused "Description (optional)"
type_text "my laptop"
keys Enter
wait_for "Added an inbound rule to ssh-from-me: SSH"
wait_for "203.0.113.10/32  my laptop"

# Attach it to web-1.
keys g
focused "Instances with ssh-from-me"
keys Space Enter
wait_for "ssh-from-me is now attached to web-1"

# The stale-verdict story: the Connection pane, folded at 80x24, already
# says connected; unfolded, it shows the new verdict, the flip and the rule
# that let it in, with nothing fired again and no r.
wait_for "▸ Connection  your computer → web-1 SSH 22: connected"
keys Tab
wait_for "CONNECTED"
wait_for "↻ was timeout → now connected"
wait_for "Inbound rule of ssh-from-me"
gone "TIMED OUT"
gone "No inbound rule of default allows"
# Looking around keeps it highlighted until the next action.
keys Up
wait_for "↻ was timeout → now connected"

# From someone else's computer: a countdown, then a timeout.
keys Right Enter
wait_for "waiting for 54.210.0.10 to answer"
wait_for "TIMED OUT" 5
wait_for "ssh: connect to host 54.210.0.10 port 22:"
wait_for "Dropped: no inbound rule of web-1's groups"
# Again, and skip the wait with a key.
keys Enter
wait_for "any key skips"
keys Space
wait_for "TIMED OUT"

# Stop sshd on web-1: esc goes back to the world tree (never out of the
# lab), down to web-1.
keys Escape
wait_for "┏━ World"
keys Down s
focused "Running"
wait_for "[x] SSH tcp/22 (sshd)"
keys Space Enter
focused "Other services"
keys Enter
wait_for "Services on web-1: nothing"

# Your computer's SSH flips to refused at once, in the history.
keys Tab Tab
wait_for "was connected → now refused"
keys Down Down Down Down Enter
wait_for "REFUSED"
wait_for "Connection refused"
# esc twice (one at a time: two at once read as alt+esc): back to the
# world, then a word on how to leave.
keys Escape
wait_for "┏━ World"
keys Escape
wait_for "press b to leave the lab"

# A bigger terminal: the panes sit side by side.
t resize-window -t e2e -x 120 -y 40
wait_for "Reachability · tcp 21 22 80 443 3389"
wait_for "Security group"
gone "▸ World"

# Too small: it says how much room it needs.
t resize-window -t e2e -x 50 -y 12
wait_for "at least 60×18"
t resize-window -t e2e -x 120 -y 40
wait_for "REFUSED"

# b leaves the lab for the home screen; enter comes back to it as it was.
keys b
wait_for "Build security groups, attach them, fire connections"
keys Down Enter
wait_for "ssh-from-me  sg-0001"
keys u
wait_for "Undone: web-1 runs SSH tcp/22 (sshd) again."

# Quit; the scratch lab was autosaved and opens again as it was.
keys q
wait_exit
grep -q "name: ssh-from-me" "$work/home/lab.yaml"
grep -q "tcp/22" "$work/home/lab.yaml" # the undo was saved too
# sglab with no arguments opens the home screen, which offers the lab.
t -f /dev/null new-session -d -s e2e -x 120 -y 40 \
  "env TERM=tmux-256color COLORFGBG='15;0' SGLAB_HOME='$work/home' '$work/sglab'"
t set -s escape-time 0
wait_for "Build security groups, attach them, fire connections"
keys q
wait_exit
t -f /dev/null new-session -d -s e2e -x 120 -y 40 \
  "env TERM=tmux-256color COLORFGBG='15;0' NO_COLOR=1 SGLAB_HOME='$work/home' '$work/sglab' lab"
t set -s escape-time 0
wait_for "ssh-from-me  sg-0001"
# NO_COLOR: not one colour or attribute on screen; glyphs carry it all.
if t capture-pane -p -e -t e2e | grep -qF $'\e['; then
  echo "e2e-lab: styles on screen despite NO_COLOR=1" >&2
  exit 1
fi
wait_for "> vpc-main"

# The world's filter (issue 14): / types it, the tree keeps what matches,
# a filter that matches nothing says so, esc clears it.
keys /
wait_for "enter done"
type_text "ssh"
# ssh-from-me, and web-1 which it guards; not the hosts outside.
wait_for "2 of 7 match"
wait_for ">     ssh-from-me  sg-0001"
gone "Outside AWS"
type_text "zz"
wait_for "Nothing matches"
keys Escape
wait_for "The filter is cleared"
wait_for "Outside AWS"

# ctrl+s saves the design as Terraform, named for the format, beside it.
keys C-s
focused "Format"
keys Right
wait_for "Terraform"
keys Enter
focused "File"
keys C-u
type_text "$work/design.tf"
keys Enter
wait_for "Wrote the lab's"
grep -q 'resource "aws_security_group" "ssh_from_me"' "$work/design.tf"
keys q
wait_exit

# Network ACLs (issue 13): the contract's example, with subnets, at 80x24
# without colour. A deny entry added in acl-web's details times out your
# HTTPS at once; web-1's own connection to db-1 times out because acl-web
# drops db-1's reply to web-1's port 32768.
cp engine/testdata/contract/subnets-and-acls/example.yaml "$work/acl.yaml"
t -f /dev/null new-session -d -s e2e -x 80 -y 24 \
  "env TERM=tmux-256color COLORFGBG='15;0' NO_COLOR=1 SGLAB_HOME='$work/home' '$work/sglab' lab --timeout-seconds 1 '$work/acl.yaml'"
t set -s escape-time 0
wait_for "> vpc-main"
wait_for "▸ Connection  laptop → web-1 HTTPS 443: connected"
keys /
wait_for "enter done"
type_text "acl-web"
keys Enter
wait_for "kept: 2 of"
keys Down Enter # subnet-web matches first (its ACL), then acl-web
wait_for "┏━ Network ACL acl-web"
wait_for "All traffic  All       All           0.0.0.0/0        Deny"
keys a
focused "Rule number"
keys C-u
type_text "100"
keys Enter
wait_for "NetworkAclEntryAlreadyExists"
keys C-u
type_text "80"
keys Enter
focused "Type"
keys Right
wait_for "HTTP  "
keys Right
wait_for "HTTPS"
keys Enter
focused "Allow/Deny"
keys Right Enter
focused "Source CIDR"
keys C-u
type_text "203.0.113.10/32"
keys Enter
wait_for "Added inbound rule 80 to acl-web: deny HTTPS, TCP 443, from"
wait_for "▸ Connection  laptop → web-1 HTTPS 443: timeout"
keys Tab
wait_for "↻ was connected → now timeout"
wait_for "its inbound rule 80"
# web-1 → db-1, the fourth test of the file's history (after From, To,
# Port and the source port).
keys Down Down Down Down Down Down Down Enter
wait_for "TIMED OUT" 5
wait_for "the server answered, but acl-web dropped the reply"
if t capture-pane -p -e -t e2e | grep -qF $'\e['; then
  echo "e2e-lab: styles on screen despite NO_COLOR=1" >&2
  exit 1
fi
echo "e2e-lab: ok"
