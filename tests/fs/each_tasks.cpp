// The task library of the .each tests (SPEC 6): tasks that run once per file
// of a glob or of a file list, or per element of an upstream collection.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <taskfs/taskfs.hpp>
#include <thread>

namespace tf = taskfs;

namespace {

// The file's text, shouted. A file that says "crash" kills its worker
// (abort()); one that says "gate:NAME" writes NAME.started, then waits until
// the test writes the file NAME.
std::string shouted(const tf::File& file, const std::string& mark) {
  std::ifstream in(file.path());
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().rfind("crash", 0) == 0) std::abort();
  if (text.str().rfind("gate:", 0) == 0) {
    std::string gate = text.str().substr(5);
    std::ofstream(gate + ".started") << "started\n";
    while (!std::ifstream(gate)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string out = text.str();
  for (char& ch : out) ch = static_cast<char>(std::toupper(ch));
  return out + mark;
}

// "name=text" a line, of a collection of strings, in its order.
std::string joined_lines(const tf::Dict<std::string>& texts) {
  std::string out;
  for (const auto& [name, text] : texts) out += name + "=" + text + "\n";
  return out;
}

}  // namespace

// One run per file of data/photos/*.txt.
const auto shout = tf::task("shout")
                       .each(tf::glob("data/photos/*.txt"))
                       .param("mark", std::string("!"))
                       .run(TASKFS_FN([](const tf::File& photo, const std::string& mark) {
                         return shouted(photo, mark);
                       }));

// One run per file that data/list.txt names, one a line.
const auto listed =
    tf::task("listed").each(tf::file_list("data/list.txt")).run(TASKFS_FN([](const tf::File& file) {
      return shouted(file, "!");
    }));

// One run per file given in the code, in its order.
const auto fixed = tf::task("fixed")
                       .each(tf::files({"data/photos/b.txt", "data/photos/a.txt"}))
                       .run(TASKFS_FN([](const tf::File& file) { return shouted(file, "?"); }));

// Downstream of a file list's .each: its collection as a lazy view.
const auto listed_joined =
    tf::task("listed_joined").input(listed).run(TASKFS_FN([](const tf::Dict<std::string>& shouted) {
      return joined_lines(shouted);
    }));

// Downstream of an .each: its collection as a lazy view.
const auto joined = tf::task("joined").input(shout).run(
    TASKFS_FN([](const tf::Dict<std::string>& shouted) { return joined_lines(shouted); }));

// numbers(n, bump): 0, 10, 20, ... with element `bump` one more.
const auto numbers =
    tf::task("numbers").param("n", 4).param("bump", -1).run(TASKFS_FN([](int n, int bump) {
      tf::List<int> out;
      for (int i = 0; i < n; ++i) out.push_back(i * 10 + (i == bump ? 1 : 0));
      return out;
    }));

// One run per element of numbers: the element doubled, plus `plus`.
const auto doubled = tf::task("doubled").each(numbers).param("plus", 0).run(
    TASKFS_FN([](const int& number, int plus) { return 2 * number + plus; }));

// A chain: .each of an .each, and a sum over it.
const auto halved =
    tf::task("halved").each(doubled).run(TASKFS_FN([](const int& number) { return number / 2; }));
const auto total = tf::task("total").input(halved).run(TASKFS_FN([](const tf::List<int>& xs) {
  long sum = 0;
  for (int x : xs) sum += x;
  return sum;
}));

// A Dict of three numbers named <prefix>0, <prefix>1, <prefix>2.
const auto named = tf::task("named")
                       .param("prefix", std::string("n"))
                       .run(TASKFS_FN([](const std::string& prefix) {
                         tf::Dict<int> out;
                         for (int i = 0; i < 3; ++i) out.insert(prefix + std::to_string(i), i * 10);
                         return out;
                       }));

// One run per element of named: its function never sees the element's name.
const auto named_doubled =
    tf::task("named_doubled").each(named).run(TASKFS_FN([](const int& number) {
      return 2 * number;
    }));
