#include "engine/why_diff.hpp"

#include <gtest/gtest.h>

namespace taskfs {
namespace {

KeyMaking train(const std::string& maxiter, const std::string& features = "f1") {
  KeyMaking m;
  m.code = "c1";
  m.code_file = "tasks/train.cpp";
  m.params = {{"eps", "0.0001"}, {"maxiter", maxiter}};
  m.files = {{"data/a.txt", "h1"}};
  m.inputs = {{"fextract_train", features}};
  return m;
}

std::vector<std::string> lines(const KeyMaking& now, const KeyMaking& then) {
  std::vector<std::string> out;
  for (const auto& d : differences(now, then)) out.push_back(describe("train", d));
  return out;
}

TEST(WhyDiffTest, AParamChangeNamesTheParamAndBothValues) {
  EXPECT_EQ(lines(train("5"), train("10")),
            std::vector<std::string>{"param train.maxiter is 5 (cached run: 10)"});
}

TEST(WhyDiffTest, ACodeChangeNamesTheSourceFile) {
  KeyMaking now = train("10");
  now.code = "c2";
  EXPECT_EQ(lines(now, train("10")),
            std::vector<std::string>{"code of train changed (tasks/train.cpp)"});
}

TEST(WhyDiffTest, FilesChangedNewAndGoneAreEachNamed) {
  KeyMaking now = train("10"), then = train("10");
  now.files = {{"data/a.txt", "h2"}, {"data/c.txt", "h3"}};
  then.files = {{"data/a.txt", "h1"}, {"data/b.txt", "h4"}};
  EXPECT_EQ(lines(now, then),
            (std::vector<std::string>{"file data/a.txt changed (content)", "file data/c.txt is new",
                                      "file data/b.txt is gone"}));
}

TEST(WhyDiffTest, AnUpstreamChangeIsNamedForTheCallerToExplain) {
  EXPECT_EQ(lines(train("10", "f2"), train("10", "f1")),
            std::vector<std::string>{"upstream fextract_train changed"});
}

TEST(WhyDiffTest, TheClosestRunIsTheOneWithFewestDifferencesAndTheNewestOnATie) {
  KeyMaking far = train("1", "f9");
  far.code = "c0";
  std::vector<KeyMaking> runs{far, train("7"), train("20")};
  EXPECT_EQ(closest(train("5"), runs), 2u);
  EXPECT_EQ(closest(train("5"), {}), std::nullopt);
}

TEST(WhyDiffTest, ProvenanceRoundTripsThroughTheStoresRecord) {
  KeyMaking m = train("5");
  KeyMaking back = KeyMaking::from(m.provenance());
  EXPECT_TRUE(differences(m, back).empty());
  EXPECT_EQ(back.code_file, "tasks/train.cpp");
}

}  // namespace
}  // namespace taskfs
