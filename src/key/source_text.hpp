// Normalizing C++ source text so that comment and whitespace edits do not change
// a code fingerprint. Used at build time (taskfs-fingerprint) and at load time
// (the text TASKFS_FN captured).
#pragma once

#include <string>
#include <string_view>

namespace taskfs {

// The source with comments removed and whitespace kept only where it separates
// two word characters; string and character literals are kept verbatim.
std::string normalize_source(std::string_view source);

// The normalized source with every task declaration (`tf::task(...)...;`, any
// namespace qualifier) cut out: a task's own text enters only its own fingerprint.
std::string strip_task_declarations(std::string_view normalized);

}  // namespace taskfs
