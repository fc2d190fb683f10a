#!/usr/bin/env python3
"""Checks that the man page and `--help` agree: every command of `taskfs
--help` has a section `taskfs COMMAND` in taskfs(1) and back, and every flag of
`taskfs COMMAND --help` appears in that command's section and back. The page
is read as man shows it (groff -man -Tascii).

usage: check_man_page.py TASKFS MAN_PAGE
"""
import re
import subprocess
import sys

FLAG = re.compile(r"(?<![\w-])(--?[a-z][a-z-]*)")


def run(*argv):
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(argv)} exited with {done.returncode}: {done.stderr}")
    return done.stdout


def help_flags(taskfs, command):
    # Boost prints "-j [ --jobs ] N": both spellings count.
    return set(FLAG.findall(run(taskfs, command, "--help")))


def man_sections(page):
    """The text of each `taskfs COMMAND` subsection, by command."""
    text = run("groff", "-man", "-Tascii", "-P", "-cbou", page)
    sections, current = {}, None
    for line in text.splitlines():
        heading = re.fullmatch(r"   taskfs ([a-z]+)\b.*", line)
        if heading:
            current = heading.group(1)
            sections[current] = ""
        elif re.fullmatch(r"[A-Z][A-Z ]+", line):  # the next section: COMMANDS ends
            current = None
        elif current:
            sections[current] += line + "\n"
    return text, sections


def main():
    taskfs, page = sys.argv[1], sys.argv[2]
    commands = re.findall(r"^  ([a-z]+) ", run(taskfs, "--help"), re.MULTILINE)
    if not commands:
        sys.exit("FAIL: taskfs --help lists no commands")
    whole, sections = man_sections(page)
    failures = []
    for command in sorted(set(commands) | set(sections)):
        if command not in commands:
            failures.append(
                f"the man page documents 'taskfs {command}', which --help does not list")
            continue
        if command not in sections:
            failures.append(f"the man page has no section 'taskfs {command}'")
            continue
        in_help = help_flags(taskfs, command)
        # Every command takes --help, said once for all at the top of COMMANDS.
        in_man = set(FLAG.findall(sections[command])) | {"-h", "--help"}
        for flag in sorted(in_help - in_man):
            failures.append(f"'taskfs {command} --help' shows {flag}; its man section does not")
        for flag in sorted(in_man - in_help):
            failures.append(f"the man section of 'taskfs {command}' shows {flag}; --help does not")
    for needed in ("ENOENT", "EINVAL", "EIO", "EROFS", "taskfs.ini", "EXIT STATUS", "EXAMPLES",
                   "FILES", "user_allow_other", "allow_other"):
        if needed not in whole:
            failures.append(f"the man page never mentions {needed}")
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print(f"man page and --help agree on {len(commands)} commands")


main()
