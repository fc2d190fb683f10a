// Keeping the store in bounds at the engine (SPEC 7): what a running
// computation uses stays, reads are counted before they reach the store, and
// a forgotten result is computed again.
#include <chrono>
#include <future>
#include <thread>

#include "engine_fixture.hpp"

namespace taskfs::test {
namespace {

class EngineStoreKeepingTest : public EngineFixture {
 protected:
  ResultState state(std::string_view path) { return engine().probe(*request(path)).state; }
  // Waits (bounded) until `task` runs in a worker.
  bool running(const std::string& task) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& job : engine().status().running) {
        if (job.task == task) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }
};

TEST_F(EngineStoreKeepingTest, EvictionLeavesWhatARunningComputationUses) {
  ASSERT_EQ(text("source"), "1\n2\n3\n");
  ASSERT_EQ(text("big").size(), 1u << 20);  // cached, unused: may go
  auto pending = std::async(std::launch::async, [&] { return compute("gated_sum"); });
  ASSERT_TRUE(running("gated_sum"));
  Eviction eviction = engine().collect(1);
  EXPECT_EQ(eviction.keys.size(), 1u) << "big only";
  EXPECT_EQ(state("big"), ResultState::Missing);
  EXPECT_EQ(state("source"), ResultState::Cached) << "the input of gated_sum went";
  write_file(dir_ / "gate.open", "");
  Outcome done = pending.get();
  ASSERT_TRUE(done.ok) << done.error;
  // Done, nothing is in use any more once the computation lets go of its pins,
  // just after it hands over its outcome (which its caller pins first).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    engine().collect(1);
    if (state("source") == ResultState::Missing) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(state("source"), ResultState::Missing);
  EXPECT_EQ(state("gated_sum"), ResultState::Missing);
}

TEST_F(EngineStoreKeepingTest, ReadsCountBeforeTheyReachTheStoreAndAfterARestart) {
  Outcome o = compute("source");
  ASSERT_TRUE(o.ok);
  engine().note_read(o.key);
  engine().note_read(o.key);
  EXPECT_EQ(engine().reads_of(o.key).count, 2);
  EXPECT_EQ(engine().store().reads_of(o.key).count, 0) << "a store write per read";
  start();  // the engine that ends writes its counts
  EXPECT_EQ(engine().store().reads_of(o.key).count, 2);
}

TEST_F(EngineStoreKeepingTest, AForgottenResultIsComputedAgain) {
  ASSERT_EQ(text("scaled"), "1\n2\n3\n");
  Eviction forgot = engine().forget(*request("scaled"));
  EXPECT_EQ(forgot.keys.size(), 1u);
  EXPECT_EQ(state("scaled"), ResultState::Missing);
  EXPECT_EQ(state("source"), ResultState::Cached);
  ASSERT_EQ(text("scaled"), "1\n2\n3\n");
  EXPECT_EQ(runs({"scaled", "source"}), (Runs{{"scaled", 2}, {"source", 1}}));
  EXPECT_THROW(engine().forget(*request("scaled/factor:3")), std::runtime_error);
}

}  // namespace
}  // namespace taskfs::test
