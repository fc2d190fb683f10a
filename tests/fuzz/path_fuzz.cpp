// libFuzzer harness for the path grammar: parsing a variant, percent
// decoding, parsing values by type, and the canonical spelling, through the
// same make_plan_for_path the mount and `taskfs run` use, over a fixed catalog
// with a param of every type. Properties checked on every input:
//   - a path either resolves or throws spec::PathError (ENOENT or EINVAL);
//   - the canonical path of a resolved one resolves again, to the same
//     canonical path and the same param values (canonical(parse(canonical(x)))
//     == canonical(x));
//   - percent_decode(percent_encode(s)) == s, and an encoded value has no byte
//     the grammar treats specially.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "graph/plan.hpp"
#include "spec/percent.hpp"
#include "spec/variant.hpp"

namespace {

using taskfs::Catalog;
using taskfs::ParamInfo;
using taskfs::TaskInfo;
using taskfs::Value;

[[noreturn]] void fail(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "property violated: %s\ninput: '%.*s'\n", what.c_str(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

ParamInfo int_param(std::string name, std::int64_t value, std::int64_t lo, std::uint64_t hi) {
  return {std::move(name), Value{value}, lo, hi};
}

ParamInfo uint_param(std::string name, std::uint64_t value, std::uint64_t hi) {
  return {std::move(name), Value{value}, 0, hi};
}

TaskInfo task(std::string name, std::vector<std::string> inputs) {
  TaskInfo t;
  t.fingerprint = "f-" + name;
  t.source_file = name + ".cpp";
  t.name = std::move(name);
  t.inputs = std::move(inputs);
  t.output_type = "int";
  t.source_line = 1;
  return t;
}

// up <- mid <- top: a param of every type, integer ranges of several widths.
const Catalog& catalog() {
  static const Catalog c = [] {
    TaskInfo up = task("up", {});
    up.params = {{"flag", Value{false}, 0, 0},
                 int_param("small", 3, -128, 127),
                 {"ratio", Value{0.5}, 0, 0},
                 {"name", Value{std::string("x y")}, 0, 0},
                 {"inputs", Value{taskfs::Files("data/*.txt")}, 0, 0},
                 {"input", Value{taskfs::File("data/a.txt")}, 0, 0}};
    TaskInfo mid = task("mid", {"up"});
    mid.params = {int_param("n", 10, std::numeric_limits<std::int64_t>::min(),
                            std::numeric_limits<std::int64_t>::max()),
                  {"eps", Value{1e-4}, 0, 0}};
    TaskInfo top = task("top", {"mid"});
    top.params = {uint_param("count", 0, 65535),
                  uint_param("seed", 1, std::numeric_limits<std::uint64_t>::max()),
                  {"label", Value{std::string()}, 0, 0}};
    return Catalog({up, mid, top});
  }();
  return c;
}

void check_percent_round_trip(std::string_view raw) {
  std::string encoded = taskfs::spec::percent_encode(raw);
  if (encoded.find_first_of("/,:= ") != std::string::npos)
    fail("encoded value has a separator", raw);
  auto decoded = taskfs::spec::percent_decode(encoded);
  if (!decoded || *decoded != raw) fail("percent_decode(percent_encode(s)) != s", raw);
}

void check_canonical_round_trip(std::string_view path) {
  taskfs::Plan plan;
  try {
    plan = taskfs::make_plan_for_path(catalog(), path);
  } catch (const taskfs::spec::PathError& e) {
    if (e.error_number() != ENOENT && e.error_number() != EINVAL) fail("unexpected errno", path);
    return;
  }
  std::string canonical = plan.canonical_path();
  taskfs::Plan again;
  try {
    again = taskfs::make_plan_for_path(catalog(), canonical);
  } catch (const taskfs::spec::PathError& e) {
    fail("canonical path '" + canonical + "' does not resolve: " + e.what(), path);
  }
  if (again.canonical_path() != canonical) {
    fail("canonical path changes: '" + canonical + "' -> '" + again.canonical_path() + "'", path);
  }
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    if (plan.nodes[i].params != again.nodes[i].params) {
      fail("param values change through '" + canonical + "'", path);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_percent_round_trip(input);
  check_canonical_round_trip(input);
  return 0;
}
