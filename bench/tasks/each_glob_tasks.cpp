// .each over a glob, for figure 14: one trivial run per file of files/*.txt
// (its size), and an aggregate over the resulting collection (their sum).
// Paths are relative to the project root (the directory taskfs runs in).
#include <cstdint>
#include <filesystem>
#include <taskfs/taskfs.hpp>

namespace tf = taskfs;

const auto file_size =
    tf::task("file_size").each(tf::glob("files/*.txt")).run(TASKFS_FN([](const tf::File& file) {
      return static_cast<std::uint64_t>(std::filesystem::file_size(file.path()));
    }));

const auto total_size =
    tf::task("total_size").input(file_size).run(TASKFS_FN([](const tf::Dict<std::uint64_t>& sizes) {
      std::uint64_t total = 0;
      for (const auto& [name, size] : sizes) total += size;
      return total;
    }));
