// The engine computing and caching: what re-runs when params, upstream
// results and input files change, and how work is scheduled.
#include <gtest/gtest.h>
#include <pthread.h>

#include <functional>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include "engine_fixture.hpp"

namespace taskfs::test {
namespace {

class EngineTest : public EngineFixture {};

// ---- computing and caching ----

TEST_F(EngineTest, ComputesAChainAndServesEachFileView) {
  EXPECT_EQ(text("summary"), "sum=6\n");
  EXPECT_EQ(text("source"), "1\n2\n3\n");
  EXPECT_EQ(text("fan_in"), "6\n");
  EXPECT_EQ(runs({"source", "scaled", "summary"}),
            (Runs{{"source", 1}, {"scaled", 1}, {"summary", 1}}));
}

TEST_F(EngineTest, InputsPassesManyUpstreamResultsAsOneVectorInOrder) {
  // source is 1,2,3; parts are 0..199, summing to 19900; scale doubles it.
  EXPECT_EQ(text("parts_total/scale:2"), "3 200 39800\n");
  EXPECT_EQ(runs("part_0"), 1);
  EXPECT_EQ(text("parts_total/part_7=value:1007"), "3 200 20900\n");
  EXPECT_EQ(runs({"part_7", "part_8"}), (Runs{{"part_7", 2}, {"part_8", 1}}));
}

TEST_F(EngineTest, SecondComputeIsACacheHit) {
  ASSERT_EQ(text("summary"), "sum=6\n");
  EXPECT_EQ(text("summary"), "sum=6\n");
  EXPECT_EQ(text("scaled"), "1\n2\n3\n");
  EXPECT_EQ(runs({"source", "scaled", "summary"}),
            (Runs{{"source", 1}, {"scaled", 1}, {"summary", 1}}));
}

TEST_F(EngineTest, ANewEngineOnTheSameStoreServesFromTheCache) {
  ASSERT_EQ(text("summary"), "sum=6\n");
  start();
  EXPECT_EQ(text("summary"), "sum=6\n");
  EXPECT_EQ(runs({"source", "scaled", "summary"}),
            (Runs{{"source", 1}, {"scaled", 1}, {"summary", 1}}));
}

// Runs `body` on a thread whose stack is `bytes` large.
void on_small_stack(std::size_t bytes, std::function<void()> body) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, bytes);
  pthread_t thread;
  auto run = [](void* f) -> void* {
    (*static_cast<std::function<void()>*>(f))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, &body), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

TEST_F(EngineTest, ACachedChainLongerThanTheStackAllowsForNestingIsServed) {
  start(2, TASKFS_TEST_LONG_CHAIN_TASKS);
  ASSERT_EQ(text("link_2999"), "2999\n");
  // Every link is now a hit, completed on the calling thread: with one nested
  // call per link, 3000 links overflow a 1 MiB stack.
  Outcome again;
  on_small_stack(1 << 20, [&] { again = compute("link_2999"); });
  EXPECT_TRUE(again.ok) << again.error;
  EXPECT_EQ(runs("link_2999"), 1);
}

TEST_F(EngineTest, ResultOfATaskWhoseInputChangedWhileItRanIsNotKept) {
  test::write_file(dir_ / "data/edited.txt", "text\n");
  Outcome o = compute("edits_its_input");
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.error.find("changed while the task ran"), std::string::npos) << o.error;
  EXPECT_EQ(runs("edits_its_input"), 0);
}

TEST_F(EngineTest, FileEditedWhileNoEngineRanIsNoticedByTheNextOne) {
  test::write_file(dir_ / "data/input.txt", "one\n");
  ASSERT_EQ(text("file_text"), "one\n");
  engine_.reset();
  test::write_file(dir_ / "data/input.txt", "two\n");
  start();
  EXPECT_EQ(text("file_text"), "two\n");
  EXPECT_EQ(runs("file_text"), 2);
}

TEST_F(EngineTest, ProbeReportsStateWithoutComputing) {
  EXPECT_EQ(engine().probe(*request("summary")).state, ResultState::Missing);
  EXPECT_EQ(engine().probe(*request("stamp")).state, ResultState::Nocache);
  EXPECT_EQ(runs({"source", "scaled", "summary"}),
            (Runs{{"source", 0}, {"scaled", 0}, {"summary", 0}}));
  Outcome o = compute("summary");
  ASSERT_TRUE(o.ok) << o.error;
  Probe probe = engine().probe(*request("summary"));
  EXPECT_EQ(probe.state, ResultState::Cached);
  ASSERT_TRUE(probe.key && probe.result);
  EXPECT_EQ(*probe.key, o.key);
  EXPECT_EQ(probe.result->view_hash, o.result.view_hash);
}

TEST_F(EngineTest, ChangingAParamReRunsExactlyTheAffectedTasks) {
  ASSERT_EQ(text("summary"), "sum=6\n");
  EXPECT_EQ(text("summary/scaled=factor:2"), "sum=12\n");
  EXPECT_EQ(runs({"source", "scaled", "summary"}),
            (Runs{{"source", 1}, {"scaled", 2}, {"summary", 2}}));
  EXPECT_EQ(text("summary/label:total,scaled=factor:2"), "total=12\n");
  EXPECT_EQ(runs({"source", "scaled", "summary"}),
            (Runs{{"source", 1}, {"scaled", 2}, {"summary", 3}}));
  EXPECT_EQ(text("summary/source=n:4"), "sum=10\n");
  EXPECT_EQ(runs({"source", "scaled", "summary"}),
            (Runs{{"source", 2}, {"scaled", 3}, {"summary", 4}}));
}

TEST_F(EngineTest, ChangingOneBranchOfAFanReRunsThatBranchAndTheJoin) {
  ASSERT_EQ(text("fan_in"), "6\n");
  EXPECT_EQ(text("fan_in/fan_b=k:5"), "9\n");
  EXPECT_EQ(runs({"fan_a", "fan_b", "fan_c", "fan_in"}),
            (Runs{{"fan_a", 1}, {"fan_b", 2}, {"fan_c", 1}, {"fan_in", 2}}));
}

TEST_F(EngineTest, EverySpellingOfTheSameParamsIsOneCacheEntry) {
  ASSERT_EQ(text("summary/scaled=factor:2,summary=label:s"), "s=12\n");
  for (const char* path :
       {"summary/label:s,scaled=factor:2", "summary/scaled=factor:2.0,summary=label:s",
        "summary/scaled=factor:2,scaled=factor:2,summary=label:s"}) {
    EXPECT_EQ(request(path)->plan.canonical_path(), "summary/label:s,scaled=factor:2") << path;
    EXPECT_EQ(text(path), "s=12\n") << path;
  }
  EXPECT_EQ(text("summary/label:sum,scaled=factor:1"), "sum=6\n");  // defaults: the default file
  EXPECT_EQ(runs({"scaled", "summary"}), (Runs{{"scaled", 2}, {"summary", 2}}));
}

TEST_F(EngineTest, UpstreamWithIdenticalBytesDoesNotReRunItsDependents) {
  ASSERT_EQ(text("parity_word"), "even\n");
  EXPECT_EQ(text("parity_word/parity=n:4"), "even\n");
  EXPECT_EQ(runs({"parity", "parity_word"}), (Runs{{"parity", 2}, {"parity_word", 1}}));
  EXPECT_EQ(text("parity_word/parity=n:3"), "odd\n");
  EXPECT_EQ(runs({"parity", "parity_word"}), (Runs{{"parity", 3}, {"parity_word", 2}}));
}

TEST_F(EngineTest, NocacheTaskRunsOnEveryComputeWhileItsInputStaysCached) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(text("stamp"), "3\n");
  EXPECT_EQ(runs({"source", "stamp"}), (Runs{{"source", 1}, {"stamp", 3}}));
  EXPECT_TRUE(engine().store().variants("stamp").empty());
}

TEST_F(EngineTest, InputsAndParamsReachTheFunctionInDeclarationOrder) {
  EXPECT_EQ(text("mixed"), "x13\n");
  EXPECT_EQ(text("mixed/b:y,a:1,source=n:5"), "y6\n");
}

TEST_F(EngineTest, IntegerParamRangeIsThatOfItsCppType) {
  EXPECT_EQ(text("narrow/level:255"), "255 1\n");
  EXPECT_EQ(text("narrow/big:9223372036854775807"), "7 9223372036854775807\n");
  for (const char* bad : {"narrow/level:256", "narrow/level:-1", "narrow/big:-1"}) {
    try {
      request(bad);
      ADD_FAILURE() << bad << " resolved";
    } catch (const spec::PathError& e) {
      EXPECT_EQ(e.error_number(), EINVAL) << bad;
    }
  }
}

// ---- input files ----

TEST_F(EngineTest, FileContentChangeReRunsTheTaskThatReadsIt) {
  test::write_file(dir_ / "data/input.txt", "one\n");
  ASSERT_EQ(text("file_text"), "one\n");
  EXPECT_EQ(text("file_text"), "one\n");
  EXPECT_EQ(runs("file_text"), 1);
  test::write_file(dir_ / "data/input.txt", "two, longer\n");
  EXPECT_EQ(text("file_text"), "two, longer\n");
  EXPECT_EQ(runs("file_text"), 2);
}

TEST_F(EngineTest, FileParamOverriddenWithAnAbsolutePath) {
  test::write_file(dir_ / "elsewhere/in.txt", "elsewhere\n");
  std::string path = "file_text/path:" + encoded(dir_ / "elsewhere/in.txt");
  EXPECT_EQ(text(path), "elsewhere\n");
  test::write_file(dir_ / "elsewhere/in.txt", "edited\n");
  EXPECT_EQ(text(path), "edited\n");
  EXPECT_EQ(runs("file_text"), 2);
}

TEST_F(EngineTest, GlobInputFollowsFilesAddedAndEdited) {
  test::write_file(dir_ / "in/b.txt", "B\n");
  test::write_file(dir_ / "in/a.txt", "A\n");
  std::string path = "concat/files:" + encoded(dir_ / "in/*.txt");
  EXPECT_EQ(text(path), "a.txt: A\nb.txt: B\n");
  EXPECT_EQ(text(path), "a.txt: A\nb.txt: B\n");
  EXPECT_EQ(runs("concat"), 1);
  test::write_file(dir_ / "in/c.txt", "C\n");
  EXPECT_EQ(text(path), "a.txt: A\nb.txt: B\nc.txt: C\n");
  EXPECT_EQ(runs("concat"), 2);
  test::write_file(dir_ / "in/a.txt", "A2\n");
  EXPECT_EQ(text(path), "a.txt: A2\nb.txt: B\nc.txt: C\n");
  EXPECT_EQ(runs("concat"), 3);
}

TEST_F(EngineTest, UnreadableInputFileFailsTheTaskNamingTheFile) {
  Outcome o = compute("file_text");  // data/input.txt does not exist
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.error.find("data/input.txt"), std::string::npos) << o.error;
  EXPECT_EQ(runs("file_text"), 0);
}

TEST_F(EngineTest, DeletedInputFileFailsInsteadOfServingTheOldResult) {
  test::write_file(dir_ / "data/input.txt", "one\n");
  ASSERT_EQ(text("file_text"), "one\n");
  std::filesystem::remove(dir_ / "data/input.txt");
  Outcome o = compute("file_text");
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.error.find("data/input.txt"), std::string::npos) << o.error;
}

TEST_F(EngineTest, LargeResultIsServedByRangeFromAFile) {
  Outcome o = compute("big");
  ASSERT_TRUE(o.ok) << o.error;
  std::optional<BlobReader> view = engine().open_view(o.result);
  ASSERT_TRUE(view.has_value());
  const BlobReader& reader = *view;
  EXPECT_EQ(reader.size(), 1u << 20);
  EXPECT_GE(reader.fd(), 0);  // not loaded into memory
  char buf[4];
  ASSERT_EQ(reader.read(buf, 4, 26 * 1000 + 2), 4u);
  EXPECT_EQ(std::string(buf, 4), "cdef");
}

// ---- scheduling ----

TEST_F(EngineTest, ConcurrentComputesOfOneMissingKeyRunTheTaskOnce) {
  start(/*jobs=*/4);
  constexpr int kReaders = 10;
  std::vector<std::promise<Outcome>> outcomes(kReaders);
  for (auto& p : outcomes) {
    engine().compute(request("gated"), [&p](const Outcome& o) { p.set_value(o); });
  }
  EXPECT_EQ(engine().probe(*request("gated")).state, ResultState::Running);
  test::write_file(dir_ / "gate.open", "");
  for (auto& p : outcomes) {
    Outcome o = p.get_future().get();
    EXPECT_TRUE(o.ok) << o.error;
  }
  EXPECT_EQ(runs("gated"), 1);
}

TEST_F(EngineTest, IndependentTasksRunInParallel) {
  start(/*jobs=*/2);
  std::istringstream times(text("slow_pair"));
  double a_start = 0, a_end = 0, b_start = 0, b_end = 0;
  ASSERT_TRUE(times >> a_start >> a_end >> b_start >> b_end) << times.str();
  // Each started before the other ended: they overlapped in time.
  EXPECT_LT(a_start, b_end);
  EXPECT_LT(b_start, a_end);
}

}  // namespace
}  // namespace taskfs::test
