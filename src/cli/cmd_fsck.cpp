// taskfs fsck: every stored result checked against its content hash.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/parse_args.hpp"
#include "cli/project.hpp"
#include "engine/store_check.hpp"

namespace taskfs::cli {
namespace po = boost::program_options;

int fsck_command(const Args& args) {
  po::options_description options("options");
  options.add_options()("store", po::value<std::string>()->value_name("DIR"),
                        "the store directory");
  auto parsed = parse_args(args, "taskfs fsck [--store DIR]",
                           "Reads every stored result back and checks it against its content "
                           "hash; damaged ones are forgotten (the next read computes them "
                           "again, a running daemon's too). Exits 1 when it found damage.",
                           options);
  if (!parsed) return 0;
  if (!parsed->positional.empty()) throw UsageError("taskfs fsck takes no arguments");
  Project project = load_project(parsed->flags, /*needs_library=*/false);
  StoreCheck check = check_store(project.engine.store_dir);
  for (const auto& [hash, what] : check.damaged) {
    std::cout << "damaged: blob " << hash.hex() << ": " << what << " (forgotten)\n";
  }
  if (check.stale_temp_files > 0) {
    std::cout << "removed " << check.stale_temp_files
              << " temporary file(s) left by killed processes\n";
  }
  std::cout << check.checked << " blob(s) checked, " << check.damaged.size() << " damaged\n";
  return check.damaged.empty() ? 0 : 1;
}

}  // namespace taskfs::cli
