#!/bin/sh
# The front ends (src/fs, src/cli) reach the daemon's modules through the
# engine facade only (docs/ARCHITECTURE.md): besides their own headers and the
# base layer, they may include engine/ and spec/variant.hpp (for PathError,
# which the engine's resolve throws). The build already refuses backward
# includes; this refuses the forward ones that skip the engine.
# Usage: front_ends_use_the_engine_only.sh SOURCE_DIR
set -eu
cd "$1/src"
bad=$(grep -Hn '#include "' fs/* cli/* |
  grep -Ev '#include "(fs|cli|engine|sys)/|#include "(log|clock)\.hpp"|#include "spec/variant\.hpp"' ||
  true)
if [ -n "$bad" ]; then
  echo "front ends including past the engine:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "fs and cli include only the engine (and base, spec/variant.hpp)"
