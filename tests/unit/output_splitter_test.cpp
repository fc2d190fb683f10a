// OutputSplitter: a batch's output pipe cut back into its runs at the
// worker's run-end marks, wherever the reads happen to split it.
#include "exec/output_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace taskfs::exec {
namespace {

// What each run printed, as the splitter handed it on.
struct Runs final : RunOutputListener {
  std::vector<std::string> printed{""};
  void output(std::string_view bytes) override { printed.back() += bytes; }
  void run_ended() override { printed.emplace_back(); }
};

const std::string kMark = "#end#";

TEST(OutputSplitter, CutsAtEveryMarkWhereverTheReadsSplitIt) {
  std::string stream = "first\n#end#second #e\n#end##end#fourth";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    OutputSplitter splitter(kMark);
    Runs runs;
    splitter.feed(std::string_view(stream).substr(0, cut), runs);
    splitter.feed(std::string_view(stream).substr(cut), runs);
    EXPECT_EQ(runs.printed, (std::vector<std::string>{"first\n", "second #e\n", "", "fourth"}))
        << "cut at " << cut;
  }
}

TEST(OutputSplitter, HoldsBackOnlyWhatMayStartAMarkUntilTheNextBytesTell) {
  OutputSplitter splitter(kMark);
  Runs runs;
  splitter.feed("50% #e", runs);
  EXPECT_EQ(runs.printed, std::vector<std::string>{"50% "});
  splitter.feed("x", runs);
  EXPECT_EQ(runs.printed, std::vector<std::string>{"50% #ex"});
  splitter.feed("##", runs);
  splitter.feed("end#", runs);
  EXPECT_EQ(runs.printed, (std::vector<std::string>{"50% #ex#", ""}));
}

TEST(OutputSplitter, FlushHandsOnWhatWasHeldWhenNoMarkWillCome) {
  OutputSplitter splitter(kMark);
  Runs runs;
  splitter.feed("crashed after #en", runs);
  splitter.flush(runs);
  EXPECT_EQ(runs.printed, std::vector<std::string>{"crashed after #en"});
}

}  // namespace
}  // namespace taskfs::exec
