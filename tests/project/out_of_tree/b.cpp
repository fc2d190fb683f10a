// A task that takes the result of a task declared in another file.
#include <cctype>

#include "a.hpp"

namespace tf = taskfs;

const auto shout = tf::task("shout").input(greeting).run(TASKFS_FN([](const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}));
