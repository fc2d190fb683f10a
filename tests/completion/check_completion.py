#!/usr/bin/env python3
"""Drives the bash completion of taskfs in a real interactive bash on a
pseudo-terminal: types a partial command line, presses TAB, and reads the
line back (a key bound to print $READLINE_LINE). The project is a temporary
directory whose taskfs.ini names the given task library.

usage: check_completion.py COMPLETION_SCRIPT TASKFS TASK_LIBRARY
"""
import os
import pty
import select
import sys
import tempfile
import time

COMPLETION, TASKFS, LIBRARY = (os.path.abspath(arg) for arg in sys.argv[1:4])
# (typed, the line after one TAB)
CASES = [
    ("taskfs mou", "taskfs mount "),
    ("taskfs unm", "taskfs unmount "),
    ("taskfs mount --fore", "taskfs mount --foreground "),
    ("taskfs run --sto", "taskfs run --store "),
    ("taskfs run trai", "taskfs run train/"),
    ("taskfs run train/max", "taskfs run train/maxiter:"),
    ("taskfs run train/def", "taskfs run train/default "),
    ("taskfs run train/maxiter:5,e", "taskfs run train/maxiter:5,eps:"),
    ("taskfs run results/fextract_tr", "taskfs run results/fextract_train="),
    ("taskfs run results/train=max", "taskfs run results/train=maxiter:"),
    ("taskfs run results/train=maxiter:5,preproc_train=norm",
     "taskfs run results/train=maxiter:5,preproc_train=normalize:"),
    ("taskfs run confusion_png/preproc_e", "taskfs run confusion_png/preproc_eval="),
    ("taskfs run results/decode_tr", "taskfs run results/decode_train="),
    ("taskfs run results/decode_train=sub", "taskfs run results/decode_train=subset:"),
    ("taskfs ls confusion", "taskfs ls confusion_png "),
    ("taskfs wh", "taskfs why "),
    ("taskfs why train/max", "taskfs why train/maxiter:"),
    ("taskfs rm train/max", "taskfs rm train/maxiter:"),
    ("taskfs gc --max", "taskfs gc --max-size "),
    ("taskfs d", "taskfs du "),
    ("taskfs lo", "taskfs log "),
    ("taskfs log train/max", "taskfs log train/maxiter:"),
    ("taskfs run --task-log", "taskfs run --task-log-max-size "),
]


class Shell:
    def __init__(self, cwd, path):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            env = {"PATH": path, "HOME": cwd, "TERM": "dumb", "PS1": "$ ", "INPUTRC": "/dev/null"}
            os.execve("/bin/bash", ["bash", "--norc", "--noprofile", "-i"], env)
        self.output = b""

    def send(self, text):
        os.write(self.fd, text.encode())

    def wait_for(self, marker, timeout=30):
        """Reads until `marker` has appeared after what was read before."""
        start, deadline = len(self.output), time.monotonic() + timeout
        while marker.encode() not in self.output[start:]:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                sys.exit(f"FAIL: no '{marker}' from bash within {timeout} s; it printed:\n"
                         + self.output[start:].decode(errors="replace"))
            self.output += os.read(self.fd, 4096)
        return self.output[start:].decode(errors="replace")

    def line_after_tab(self, typed):
        self.send(typed + "\t\x14")  # TAB completes; Ctrl-T prints the line
        shown = self.wait_for("]LINE\r\n")
        self.send("\x15")  # Ctrl-U: clear the line for the next case
        return shown[shown.rindex("LINE[") + 5:shown.rindex("]LINE")]


def main():
    with tempfile.TemporaryDirectory() as project:
        with open(os.path.join(project, "taskfs.ini"), "w", encoding="utf-8") as ini:
            ini.write(f"tasks = {LIBRARY}\nstore = store\n")
        path = os.path.dirname(os.path.abspath(TASKFS)) + ":/usr/bin:/bin"
        shell = Shell(project, path)
        # Markers are made by the shell ($((...))), so their echo as typed input
        # does not count as done.
        shell.send(f"source {COMPLETION}; echo SOURCED_$((1 + 1))\n")
        shell.wait_for("SOURCED_2\r\n")
        shell.send("bind -x '\"\\C-t\": printf \"LINE[%s]LINE\\n\" \"$READLINE_LINE\"'; "
                   "echo BOUND_$((1 + 1))\n")
        shell.wait_for("BOUND_2\r\n")
        failures = 0
        for typed, expected in CASES:
            got = shell.line_after_tab(typed)
            if got != expected:
                print(f"FAIL: '{typed}' + TAB gave '{got}', expected '{expected}'")
                failures += 1
        shell.send("exit\n")
        os.waitpid(shell.pid, 0)
    if failures:
        sys.exit(1)
    print(f"bash completion: {len(CASES)} cases ok")


main()
