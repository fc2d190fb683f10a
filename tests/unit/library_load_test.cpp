// Loading a rebuilt task library takes a worker's start and the library's
// static initializers: meanwhile, every other caller goes on with the catalog
// it had (no lock is held across the load).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

#include "engine_fixture.hpp"

namespace taskfs::test {
namespace {

// Polls `condition` until it holds or 30 s passed; whether it held.
template <class Condition>
bool within_30s(Condition condition) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

class LibraryLoadTest : public EngineFixture {
 protected:
  void TearDown() override {
    test::write_file(gate(), "open\n");  // a load still waiting ends now
    EngineFixture::TearDown();
    ::unsetenv("TASKFS_TEST_LOAD_GATE");
  }
  fs::path gate() const { return dir_ / "gate"; }
};

TEST_F(LibraryLoadTest, CallersGoOnWithTheOldCatalogWhileARebuiltLibraryLoads) {
  ::setenv("TASKFS_TEST_LOAD_GATE", gate().c_str(), 1);
  fs::path library = dir_ / "lib" / "libtasks.so";
  install_library(TASKFS_TEST_TASKS, library);
  start(1, library);
  ASSERT_EQ(engine().catalog().generation, 1u);
  ASSERT_EQ(text("summary"), "sum=6\n");

  install_library(TASKFS_TEST_GATED_LOAD_TASKS, library);
  auto loading = std::async(std::launch::async, [&] { return engine().catalog(); });
  fs::path waiting = gate();
  waiting += ".waiting";
  ASSERT_TRUE(within_30s([&] { return fs::exists(waiting); })) << "the rebuilt library never loaded";

  // The load is under way and cannot end before the gate opens.
  LoadedCatalog meanwhile = engine().catalog();
  EXPECT_EQ(meanwhile.generation, 1u);
  EXPECT_NE(meanwhile.catalog->find("summary"), nullptr);
  EXPECT_EQ(text("summary"), "sum=6\n");  // cached: reads go on too

  test::write_file(gate(), "open\n");
  LoadedCatalog loaded = loading.get();
  EXPECT_EQ(loaded.generation, 2u);
  EXPECT_NE(loaded.catalog->find("answer"), nullptr);
  EXPECT_EQ(engine().catalog().generation, 2u);
}

}  // namespace
}  // namespace taskfs::test
