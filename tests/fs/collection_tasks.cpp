// The task library of the collection tests (SPEC 6): tasks that return a
// tf::List or a tf::Dict, and tasks that read one as a lazy view.
#include <signal.h>

#include <string>
#include <taskfs/taskfs.hpp>

#include "big_text.hpp"

namespace tf = taskfs;

// squares(n): 0, 1, 4, ... (n elements named 0 .. n-1). `unused` changes the
// key and not the elements: downstream sees the same collection.
const auto squares = tf::task("squares")
                         .param("n", 5)
                         .param("unused", 0)
                         .run(TASKFS_FN([](int n, int) {
                           tf::List<int> out;
                           for (int i = 0; i < n; ++i) out.push_back(i * i);
                           return out;
                         }));

// Downstream: the sum by streaming iteration, and what the view answers.
const auto sum = tf::task("sum").input(squares).run(TASKFS_FN([](const tf::List<int>& xs) {
  long total = 0;
  for (int x : xs) total += x;
  return total;
}));
const auto view = tf::task("view").input(squares).run(TASKFS_FN([](const tf::List<int>& xs) {
  std::string out = "size " + std::to_string(xs.size()) + "\n";
  if (!xs.empty()) {
    out += "last " + std::to_string(xs.at(xs.size() - 1)) + "\n";
    out += "named 2: " + std::to_string(xs.at("2")) + "\n";
  }
  for (const auto& name : xs.names()) out += name + " ";
  return out + "\n";
}));

// A Dict whose keys need percent-encoding in the mount: "a/b c", "100%",
// "caf\u00e9", ".", plus a plain one.
const auto labels = tf::task("labels").run(TASKFS_FN([]() {
  tf::Dict<std::string> out;
  for (std::string key : {"plain", "a/b c", "100%", "caf\u00e9", "."}) {
    out.insert(key, "label of " + key);
  }
  return out;
}));
const auto label_count =
    tf::task("label_count").input(labels).run(TASKFS_FN([](const tf::Dict<std::string>& d) {
      std::string out;
      for (const auto& [key, value] : d) out += key + "=" + value + "\n";
      return out + "slash: " + d.at("a/b c") + "\n";
    }));

// Large elements: `count` strings of `mb` MiB each, stored as blob files.
const auto chunks = tf::task("chunks")
                        .param("count", 3)
                        .param("mb", 1)
                        .run(TASKFS_FN([](int count, int mb) {
                          tf::List<std::string> out;
                          for (int i = 0; i < count; ++i) {
                            out.push_back(std::to_string(i) + ":" +
                                          fs_tasks::big_text(static_cast<std::size_t>(mb) *
                                                             fs_tasks::kMiB));
                          }
                          return out;
                        }));

// A collection task whose worker crashes after storing some elements.
const auto broken = tf::task("broken").param("crash", true).run(TASKFS_FN([](bool crash) {
  tf::List<int> out;
  for (int i = 0; i < 10000; ++i) out.push_back(i);
  if (crash) ::raise(SIGSEGV);
  return out;
}));
