// The task library of the .each tests (SPEC 6): tasks that run once per file
// of a glob or per element of an upstream collection.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <taskfs/taskfs.hpp>
#include <thread>

namespace tf = taskfs;

// One run per file of data/photos/*.txt: the file's text, shouted. A file
// that says "crash" kills its worker (abort()); one that says "gate:NAME"
// writes NAME.started, then waits until the test writes the file NAME.
const auto shout = tf::task("shout")
                       .each(tf::glob("data/photos/*.txt"))
                       .param("mark", std::string("!"))
                       .run(TASKFS_FN([](const tf::File& photo, const std::string& mark) {
                         std::ifstream in(photo.path());
                         std::stringstream text;
                         text << in.rdbuf();
                         if (text.str().rfind("crash", 0) == 0) std::abort();
                         if (text.str().rfind("gate:", 0) == 0) {
                           std::string gate = text.str().substr(5);
                           std::ofstream(gate + ".started") << "started\n";
                           while (!std::ifstream(gate)) {
                             std::this_thread::sleep_for(std::chrono::milliseconds(10));
                           }
                         }
                         std::string out = text.str();
                         for (char& ch : out) ch = static_cast<char>(std::toupper(ch));
                         return out + mark;
                       }));

// Downstream of an .each: its collection as a lazy view.
const auto joined =
    tf::task("joined").input(shout).run(TASKFS_FN([](const tf::Dict<std::string>& shouted) {
      std::string out;
      for (const auto& [name, text] : shouted) out += name + "=" + text + "\n";
      return out;
    }));

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
