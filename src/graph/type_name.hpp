// Type names as a user writes them, for listings: the demangled name of
// std::vector<double> spells out its allocator and the library's inline
// namespace, which nobody reads.
#pragma once

#include <string>
#include <string_view>

namespace taskfs {

// Rewrites a demangled type name as it would be written in source:
// `std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >`
// becomes `std::string`, and default template arguments (allocators,
// comparators, hashers, deleters) and integer literal suffixes are dropped, so
// `std::map<std::string, int>` reads as written. User types are kept as they
// are. A name it cannot parse is returned unchanged.
std::string readable_type_name(std::string_view demangled);

}  // namespace taskfs
