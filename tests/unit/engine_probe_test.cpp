// A probe that found a target cached keeps its plan's keys (CachedPlan): the
// next probes trust them only while nothing they were made of changed. Each
// test first makes a probe that trusts them, then changes one thing upstream.
#include <filesystem>

#include "engine_fixture.hpp"

namespace taskfs::test {
namespace {

class EngineProbeTest : public EngineFixture {
 protected:
  Probe probe(std::string_view path) { return engine().probe(*request(path)); }

  // Computes `path`, then probes it twice (the second probe trusts the
  // first's keys); both must find what was computed.
  void cache(std::string_view path) {
    Outcome o = compute(path);
    ASSERT_TRUE(o.ok) << o.error;
    for (int i = 0; i < 2; ++i) {
      Probe p = probe(path);
      ASSERT_EQ(p.state, ResultState::Cached);
      ASSERT_TRUE(p.key && p.result);
      EXPECT_EQ(*p.key, o.key);
      EXPECT_EQ(p.result->value_hash, o.result.value_hash);
    }
  }
};

TEST_F(EngineProbeTest, AnEditedFileUpstreamOfACachedTargetMakesItMissing) {
  test::write_file(dir_ / "data/input.txt", "one\n");
  cache("file_lines");
  test::write_file(dir_ / "data/input.txt", "one\ntwo, longer\n");
  EXPECT_EQ(probe("file_lines").state, ResultState::Missing);
  EXPECT_EQ(text("file_lines"), "2\n");
  EXPECT_EQ(probe("file_lines").state, ResultState::Cached);
}

TEST_F(EngineProbeTest, AFileAddedToAGlobOfACachedTargetMakesItMissing) {
  test::write_file(dir_ / "data/a.txt", "A\n");
  cache("concat");
  test::write_file(dir_ / "data/b.txt", "B\n");
  EXPECT_EQ(probe("concat").state, ResultState::Missing);
}

TEST_F(EngineProbeTest, ForgettingAnUpstreamResultMakesTheCachedTargetMissing) {
  cache("summary");
  engine().forget(*request("source"));
  // The target's bytes are there, but its key needs the upstream result.
  EXPECT_EQ(probe("summary").state, ResultState::Missing);
  EXPECT_EQ(probe("source").state, ResultState::Missing);
}

TEST_F(EngineProbeTest, ForgettingTheCachedTargetMakesItMissing) {
  cache("summary");
  engine().forget(*request("summary"));
  EXPECT_EQ(probe("summary").state, ResultState::Missing);
  EXPECT_EQ(probe("scaled").state, ResultState::Cached);
}

TEST_F(EngineProbeTest, AnUpstreamResultWhoseBytesAreDamagedMakesTheCachedTargetMissing) {
  cache("big_length");
  Probe big = probe("big");
  ASSERT_TRUE(big.result);
  // Its bytes gone, the store forgets the results made of them when they are read.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "store/blobs")) {
    if (entry.is_regular_file()) std::filesystem::remove(entry.path());
  }
  EXPECT_FALSE(engine().open_view(*big.result));
  EXPECT_EQ(probe("big_length").state, ResultState::Missing);
}

}  // namespace
}  // namespace taskfs::test
