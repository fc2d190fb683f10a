// Wall-clock time as the run log, status and file times show it.
#pragma once

#include <chrono>

namespace taskfs {

// Seconds since the epoch, with sub-second precision.
inline double epoch_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace taskfs
