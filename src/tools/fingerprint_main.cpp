// taskfs-fingerprint: run by taskfs_add_tasks at build time. For each task
// source it writes a header defining TASKFS_SOURCE_FINGERPRINT: the hash of the
// file and the project headers it includes ("..." includes found under the
// project root), normalized, with the task declarations cut out, and of the
// library's other sources (helpers without tasks), which any task may call,
// and of the compile flags that change code (--flag: definitions, options).
// A header is rewritten only when its fingerprint changes, so unchanged
// sources are not recompiled.
//
//   taskfs-fingerprint --root DIR --base DIR [-IDIR]... [--flag=FLAG]...
//                      [--task SOURCE HEADER]... [SOURCE]...
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
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
  fs::path root;
  fs::path base;  // relative sources are relative to this
  std::vector<fs::path> include_dirs;
  std::map<fs::path, fs::path> task_headers;  // task source -> header to write
  std::set<fs::path> support_sources;         // the library's other sources
  std::vector<std::string> flags;             // compile flags that change code, in order
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

// Whether a compile flag can change the code: not an empty list's leftover
// ("-D" alone) and not a warning flag (-Wall; -Wp,-DX passes a definition).
bool changes_code(const std::string& flag) {
  if (flag.empty() || flag == "-D") return false;
  return !(flag.starts_with("-W") && flag.find(',') == std::string::npos);
}

bool declares_tasks(const fs::path& source) {
  return taskfs::normalize_source(read_file(source)).find("::task(") != std::string::npos;
}

fs::path source_path(const Options& o, const std::string& arg) {
  fs::path p(arg);
  return fs::weakly_canonical(p.is_absolute() ? p : o.base / p);
}

// Throws std::invalid_argument on wrong usage.
Options parse(const std::vector<std::string>& args) {
  Options o;
  std::vector<std::string> sources;
  std::vector<std::pair<std::string, std::string>> tasks;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "--root" || a == "--base") && i + 1 < args.size()) {
      (a == "--root" ? o.root : o.base) = fs::weakly_canonical(args[++i]);
    } else if (a == "--task" && i + 2 < args.size()) {
      tasks.emplace_back(args[i + 1], args[i + 2]);
      i += 2;
    } else if (a.starts_with("--flag=")) {
      if (changes_code(a.substr(7))) o.flags.push_back(a.substr(7));
    } else if (a.rfind("-I", 0) == 0) {
      if (a.size() > 2) o.include_dirs.emplace_back(a.substr(2));  // "-I" alone: no dirs
    } else if (a.rfind("--", 0) == 0) {
      throw std::invalid_argument("unexpected argument '" + a + "'");
    } else {
      sources.push_back(a);
    }
  }
  if (o.root.empty() || o.base.empty() || tasks.empty()) {
    throw std::invalid_argument(
        "usage: taskfs-fingerprint --root DIR --base DIR [-IDIR]... [--flag=FLAG]... "
        "--task SOURCE HEADER [--task SOURCE HEADER]... [SOURCE]...");
  }
  for (const auto& [source, header] : tasks) {
    fs::path p = source_path(o, source);
    o.task_headers[p] = header;
    // A source given to taskfs_add_tasks may hold only helpers.
    if (!declares_tasks(p)) o.support_sources.insert(p);
  }
  for (const auto& s : sources) {
    fs::path p = source_path(o, s);
    bool is_code = p.extension() != ".h" && p.extension() != ".hpp";
    if (is_code && fs::exists(p) && under(p, o.root) && !o.task_headers.contains(p)) {
      o.support_sources.insert(p);
    }
  }
  return o;
}

// Writes each task header's fingerprint; exit status as main's.
int fingerprint(const Options& o) {
  taskfs::Hasher support;
  std::set<fs::path> support_seen;
  for (const auto& s : o.support_sources) collect(s, o, support_seen, support);
  std::string support_hex = support.finish().hex();
  for (const auto& [source, header] : o.task_headers) {
    if (!fs::exists(source)) {
      std::cerr << "taskfs-fingerprint: no such source file " << source << "\n";
      return 1;
    }
    taskfs::Hasher hasher;
    std::set<fs::path> seen;
    collect(source, o, seen, hasher);
    hasher.field(support_hex);
    // Without flags the fingerprint is what it was before flags counted.
    for (const auto& flag : o.flags) hasher.field(flag);
    write_if_changed(header,
                     "#define TASKFS_SOURCE_FINGERPRINT \"" + hasher.finish().hex() + "\"\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    o = parse(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& e) {
    std::cerr << "taskfs-fingerprint: " << e.what() << "\n";
    return 2;
  }
  try {
    return fingerprint(o);
  } catch (const std::exception& e) {  // an unreadable source file, say
    std::cerr << "taskfs-fingerprint: " << e.what() << "\n";
    return 1;
  }
}
