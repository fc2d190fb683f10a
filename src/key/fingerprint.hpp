// Code fingerprints (SPEC section 4): a task's result follows its code.
#pragma once

#include <string>
#include <string_view>

namespace taskfs {

// The fingerprint of a task: its function's text (normalized, so comment and
// whitespace edits change nothing), the fingerprint of the rest of its source
// file as taskfs-fingerprint computed it at build time, and its explicit version.
std::string task_fingerprint(std::string_view function_text, std::string_view source_fingerprint,
                             std::string_view version);

}  // namespace taskfs
