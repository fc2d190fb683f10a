// taskfs-fingerprint: run by taskfs_add_tasks at build time. Writes a header
// defining TASKFS_SOURCE_FINGERPRINT for one task source file: the hash of the
// file and of the project headers it includes ("..." includes found under the
// project root), normalized, with the task declarations cut out. The header is
// rewritten only when the fingerprint changes, so unchanged sources are not
// recompiled.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "key/hash.hpp"
#include "key/source_text.hpp"

namespace fs = std::filesystem;

namespace {

struct Options {
  fs::path root, out, source;
  std::vector<fs::path> include_dirs;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool under(const fs::path& path, const fs::path& root) {
  auto rel = fs::relative(path, root);
  return !rel.empty() && *rel.begin() != "..";
}

// Adds a file and, depth first, the project headers it includes.
void collect(const fs::path& file, const Options& o, std::set<fs::path>& seen,
             taskfs::Hasher& hasher) {
  fs::path canonical = fs::weakly_canonical(file);
  if (!seen.insert(canonical).second) return;
  std::string text = taskfs::normalize_source(read_file(canonical));
  hasher.field(fs::relative(canonical, o.root).string());
  hasher.field(taskfs::strip_task_declarations(text));
  static const std::regex include_line(R"re(#include"([^"]+)")re");
  for (std::sregex_iterator it(text.begin(), text.end(), include_line), end; it != end; ++it) {
    std::string name = (*it)[1];
    std::vector<fs::path> candidates{canonical.parent_path() / name};
    for (const auto& dir : o.include_dirs) candidates.push_back(dir / name);
    for (const auto& candidate : candidates) {
      if (fs::exists(candidate) && under(fs::weakly_canonical(candidate), o.root)) {
        collect(candidate, o, seen, hasher);
        break;
      }
    }
  }
}

void write_if_changed(const fs::path& out, const std::string& content) {
  if (fs::exists(out) && read_file(out) == content) return;
  fs::create_directories(out.parent_path());
  fs::path tmp = out;
  tmp += ".tmp";
  std::ofstream(tmp, std::ios::binary) << content;
  fs::rename(tmp, out);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--root" && i + 1 < args.size()) {
      o.root = fs::weakly_canonical(args[++i]);
    } else if (args[i] == "--out" && i + 1 < args.size()) {
      o.out = args[++i];
    } else if (args[i].rfind("-I", 0) == 0 && args[i].size() > 2) {
      o.include_dirs.emplace_back(args[i].substr(2));
    } else if (o.source.empty()) {
      o.source = args[i];
    } else {
      std::cerr << "taskfs-fingerprint: unexpected argument '" << args[i] << "'\n";
      return 2;
    }
  }
  if (o.root.empty() || o.out.empty() || o.source.empty()) {
    std::cerr << "usage: taskfs-fingerprint --root DIR --out HEADER [-IDIR]... SOURCE\n";
    return 2;
  }
  if (!fs::exists(o.source)) {
    std::cerr << "taskfs-fingerprint: no such source file " << o.source << "\n";
    return 1;
  }
  taskfs::Hasher hasher;
  std::set<fs::path> seen;
  collect(o.source, o, seen, hasher);
  write_if_changed(o.out, "#define TASKFS_SOURCE_FINGERPRINT \"" + hasher.finish().hex() + "\"\n");
  return 0;
}
