// Task failures seen through the engine: a task that throws, crashes, aborts
// or exits fails its own computation only, and no failure is ever cached.
#include <gtest/gtest.h>

#include <future>
#include <string>

#include "engine_fixture.hpp"

namespace taskfs::test {
namespace {

class FailureTest : public EngineFixture {};

TEST_F(FailureTest, ThrowingTaskFailsWithItsMessageAndIsNotCached) {
  Outcome first = compute("thrower");
  EXPECT_FALSE(first.ok);
  EXPECT_NE(first.error.find("task 'thrower' failed"), std::string::npos) << first.error;
  EXPECT_NE(first.error.find("thrower says no"), std::string::npos) << first.error;
  Probe probe = engine().probe(*request("thrower"));
  EXPECT_EQ(probe.state, ResultState::Failed);
  EXPECT_NE(probe.error.find("thrower says no"), std::string::npos) << probe.error;
  ASSERT_FALSE(engine().status().failures.empty());
  EXPECT_EQ(engine().status().failures.front().path, "thrower/default");

  EXPECT_FALSE(compute("thrower").ok);
  EXPECT_EQ(failed_runs("thrower"), 2);  // tried again, not served from a cached failure
  EXPECT_EQ(text("source"), "1\n2\n3\n");
}

TEST_F(FailureTest, FailedUpstreamFailsItsDependentsWithItsError) {
  Outcome o = compute("after_thrower");
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.error.find("task 'thrower' failed: thrower says no"), std::string::npos) << o.error;
  EXPECT_EQ(runs("after_thrower"), 0);
  EXPECT_EQ(failed_runs("after_thrower"), 0);
  EXPECT_EQ(engine().probe(*request("after_thrower")).state, ResultState::Failed);
}

TEST_F(FailureTest, FailedRunIsRecordedWithItsStartTime) {
  ASSERT_EQ(text("source"), "1\n2\n3\n");
  ASSERT_FALSE(compute("thrower").ok);
  auto log = engine().store().recent_runs(2);
  ASSERT_EQ(log.size(), 2u);
  ASSERT_EQ(log[0].task, "thrower");
  ASSERT_EQ(log[1].task, "source");
  EXPECT_GE(log[0].started, log[1].started) << "the failed run is dated " << log[0].started;
}

struct Crash {
  const char* task;
  const char* reason;  // what the error says about how the worker ended
};

void PrintTo(const Crash& c, std::ostream* os) { *os << c.task; }

class CrashTest : public EngineFixture, public ::testing::WithParamInterface<Crash> {};

TEST_P(CrashTest, FailsOnlyItsComputationAndTheNextOneSucceeds) {
  start(/*jobs=*/1);  // one worker: the next task needs its replacement
  Outcome crashed = compute(GetParam().task);
  EXPECT_FALSE(crashed.ok);
  EXPECT_NE(crashed.error.find(GetParam().reason), std::string::npos) << crashed.error;
  EXPECT_NE(crashed.error.find(std::string("task '") + GetParam().task + "' failed"),
            std::string::npos)
      << crashed.error;
  EXPECT_EQ(text("summary"), "sum=6\n");
  EXPECT_FALSE(compute(GetParam().task).ok);
  EXPECT_EQ(failed_runs(GetParam().task), 2);
}

INSTANTIATE_TEST_SUITE_P(EveryWayAWorkerDies, CrashTest,
                         ::testing::Values(Crash{"segfaulter",
                                                 "killed by signal 11 (Segmentation fault)"},
                                           Crash{"aborter", "killed by signal 6 (Aborted)"},
                                           Crash{"exiter", "exited with status 3"}),
                         [](const auto& info) { return std::string(info.param.task); });

TEST_F(FailureTest, ACrashInsideABatchFailsItsOwnRunOnlyAndTheOthersAreStoredOnce) {
  start(/*jobs=*/1);  // one worker: the ten leaves, ready at once, go to it as one batch
  Outcome crashed = compute("leaves_total/leaf_5=crash:true");
  EXPECT_FALSE(crashed.ok);
  EXPECT_NE(crashed.error.find("task 'leaf_5' failed"), std::string::npos) << crashed.error;
  EXPECT_NE(crashed.error.find("killed by signal 6 (Aborted)"), std::string::npos)
      << crashed.error;
  // The same leaves but leaf_5's default: the others were run again on a
  // new worker (or stored before the crash), once each.
  EXPECT_EQ(text("leaves_total"), "45\n");
  for (int i = 0; i < 10; ++i) {
    std::string leaf = "leaf_" + std::to_string(i);
    EXPECT_EQ(runs(leaf), 1) << leaf;
    EXPECT_EQ(failed_runs(leaf), i == 5 ? 1 : 0) << leaf;
  }
}

TEST_F(FailureTest, CrashDoesNotDisturbATaskRunningInAnotherWorker) {
  start(/*jobs=*/2);
  std::promise<Outcome> gated;
  engine().compute(request("gated"), [&](const Outcome& o) { gated.set_value(o); });
  EXPECT_FALSE(compute("segfaulter").ok);
  test::write_file(dir_ / "gate.open", "");
  Outcome o = gated.get_future().get();
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_EQ(runs("gated"), 1);
}

TEST_F(FailureTest, DamagedStoredResultIsForgottenAndComputedAgain) {
  ASSERT_EQ(text("big_length"), "1048576\n");
  // The blob file of `big`, deleted behind the store's back.
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "store" / "blobs")) {
    if (entry.is_regular_file()) fs::remove(entry.path());
  }
  // As an upstream value: the worker cannot read it, the plan is made again.
  EXPECT_EQ(text("big_length/plus:1"), "1048577\n");
  EXPECT_EQ(runs("big"), 2);
  // As the file a reader opens: computed again too.
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "store" / "blobs")) {
    if (entry.is_regular_file()) fs::resize_file(entry.path(), 10);
  }
  Outcome o = compute("big");
  ASSERT_TRUE(o.ok) << o.error;
  EXPECT_FALSE(engine().open_view(o.result).has_value());
  EXPECT_EQ(text("big").size(), 1u << 20);
  EXPECT_EQ(runs("big"), 3);
}

}  // namespace
}  // namespace taskfs::test
