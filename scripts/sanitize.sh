#!/bin/sh
# Builds taskfs with AddressSanitizer + UndefinedBehaviorSanitizer in
# build-asan/ (its own build directory) and runs the whole test suite there.
# Every program of the suite is sanitized: the daemon, its workers, the task
# libraries they dlopen and the tests. Nothing is preloaded: the runtime is
# linked into each executable, and a task library built with the flags takes
# it from the executable that loads it (the packaging tests excepted, below).
# Extra arguments go to ctest.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh --packages-only

# A report ends the process with a failure (the build turns recovery off);
# leak checking runs at every exit that returns from main.
# handle_segv=0: the suite crashes task code on purpose and checks that the
# worker was killed by SIGSEGV, which ASan would turn into an exit status.
# handle_sigbus=0 likewise: a library rewritten in place while a worker maps
# it faults with SIGBUS, which the daemon reports as a crashed load.
export ASAN_OPTIONS="detect_leaks=1:handle_segv=0:handle_sigbus=0:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Leaks inside Graphviz and its font stack only (see the file for why).
export LSAN_OPTIONS="suppressions=$(pwd)/tests/sanitize/lsan.supp:print_suppressions=0"

# -O1 -g1 (line tables only): what ASan's reports need, and less compile time
# than -O2 -g, which CI's 30 minutes on 2 cores want.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DTASKFS_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$(nproc)"
cd build-asan
# The packaging tests (a .deb, an installed tree, each with several builds of
# a project) check what gets installed, not memory: the plain build's suite
# runs them, and leaving them out here keeps CI within its time.
ctest --output-on-failure -j 2 -E '^(deb_package|out_of_tree_project)$' "$@"
