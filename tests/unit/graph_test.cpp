// The task graph: the catalog's checks and order, and the plan of a path with
// its overrides and canonical spelling. Pure: task lists are built by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>
#include <vector>

#include "graph/catalog.hpp"
#include "graph/plan.hpp"
#include "spec/variant.hpp"

namespace taskfs {
namespace {

ParamInfo param(std::string name, Value default_value) {
  return {std::move(name), std::move(default_value), INT_MIN, INT_MAX};
}

TaskInfo task(std::string name, std::vector<std::string> inputs,
              std::vector<ParamInfo> params = {}) {
  TaskInfo t;
  t.name = std::move(name);
  t.inputs = std::move(inputs);
  t.params = std::move(params);
  return t;
}

std::vector<std::string> names(const std::vector<const TaskInfo*>& tasks) {
  std::vector<std::string> out;
  for (const TaskInfo* t : tasks) out.push_back(t->name);
  return out;
}

// True when every task comes after all of its inputs.
bool inputs_first(const std::vector<const TaskInfo*>& order) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (const auto& input : order[i]->inputs) {
      auto at = std::find_if(order.begin(), order.end(),
                             [&](const TaskInfo* t) { return t->name == input; });
      if (at == order.end() || at - order.begin() >= static_cast<std::ptrdiff_t>(i)) return false;
    }
  }
  return true;
}

// The message of the std::runtime_error `f` throws, or "" when it throws none.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// ---- the catalog ----

TEST(CatalogTest, RejectsATaskDeclaredTwice) {
  EXPECT_NE(error_of([] {
              Catalog({task("a", {}), task("a", {})});
            }).find("'a' is declared twice"),
            std::string::npos);
}

TEST(CatalogTest, RejectsAnInputThatIsNoTask) {
  EXPECT_NE(error_of([] { Catalog({task("a", {"ghost"})}); }).find("unknown task 'ghost'"),
            std::string::npos);
}

TEST(CatalogTest, RejectsCycles) {
  EXPECT_NE(error_of([] {
              Catalog({task("a", {"b"}), task("b", {"c"}), task("c", {"a"})});
            }).find("depends on itself"),
            std::string::npos);
  EXPECT_NE(error_of([] { Catalog({task("self", {"self"})}); }).find("depends on itself"),
            std::string::npos);
}

TEST(CatalogTest, RejectsNamesThatCannotBeDirectories) {
  for (const char* bad : {"", ".hidden", "a/b", "a=b", "a,b", "a:b", "a%b"}) {
    EXPECT_NE(error_of([&] { Catalog({task(bad, {})}); }).find("invalid task name"),
              std::string::npos)
        << bad;
  }
}

TEST(CatalogTest, RejectsAParamDeclaredTwice) {
  EXPECT_NE(error_of([] {
              Catalog({task("a", {}, {param("k", Value{true}), param("k", Value{false})})});
            }).find("param 'k' twice"),
            std::string::npos);
}

TEST(CatalogTest, RejectsAnEachThatIsNocacheOrWhoseSourceIsNoCollection) {
  EXPECT_NE(error_of([] {
              TaskInfo t = task("thumbs", {});
              t.each_glob = "photos/*.jpg";
              t.nocache = true;
              Catalog({t});
            }).find(".each and .nocache()"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              TaskInfo t = task("hog", {"decode"});
              t.each_upstream = true;
              Catalog({task("decode", {}), t});
            }).find("returns no collection"),
            std::string::npos);
  TaskInfo decode = task("decode", {});
  decode.collection = true;
  TaskInfo hog = task("hog", {"decode"});
  hog.each_upstream = true;
  EXPECT_TRUE(Catalog({decode, hog}).find("hog")->each());
}

TEST(CatalogTest, OrdersTasksAfterTheirInputsWhateverTheDeclarationOrder) {
  Catalog catalog({task("d", {"b", "c"}), task("c", {"a"}), task("b", {"a"}), task("a", {})});
  std::vector<const TaskInfo*> all;
  for (const auto& t : catalog.tasks()) all.push_back(&t);
  EXPECT_EQ(all.size(), 4u);
  EXPECT_TRUE(inputs_first(all));
}

TEST(CatalogTest, ClosureHoldsTheTaskAndItsUpstreamOnceEachTargetLast) {
  Catalog catalog({task("a", {}), task("b", {"a"}), task("c", {"a"}), task("d", {"b", "c"}),
                   task("unrelated", {"a"})});
  auto closure = catalog.closure("d");
  auto got = names(closure);
  std::sort(got.begin(), got.end() - 1);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(inputs_first(closure));
  EXPECT_EQ(names(catalog.closure("a")), std::vector<std::string>{"a"});
}

TEST(CatalogTest, FindsTasksByNameAndNothingElse) {
  Catalog catalog({task("a", {})});
  ASSERT_NE(catalog.find("a"), nullptr);
  EXPECT_EQ(catalog.find("a")->name, "a");
  EXPECT_EQ(catalog.find("b"), nullptr);
}

TEST(CatalogTest, MovedCatalogStillFindsItsTasks) {
  Catalog original({task("a", {}), task("b", {"a"})});
  Catalog moved(std::move(original));
  ASSERT_NE(moved.find("b"), nullptr);
  EXPECT_EQ(names(moved.closure("b")), (std::vector<std::string>{"a", "b"}));
}

// ---- plans ----

// The example pipeline of SPEC section 1, plus a task that is upstream of nothing.
class PlanTest : public ::testing::Test {
 protected:
  PlanTest()
      : catalog_({task("preproc_train", {},
                       {param("images", Value{Files("data/train-*.gz")}),
                        param("normalize", Value{false})}),
                  task("fextract_train", {"preproc_train"}),
                  task("train", {"fextract_train"},
                       {param("maxiter", Value{std::int64_t{10}}), param("eps", Value{1e-4})}),
                  task("evaluate", {"train"}),
                  task("results", {"evaluate"}, {param("top", Value{std::int64_t{3}})}),
                  task("other", {}, {param("k", Value{std::string("x")})})}) {}

  // The canonical path of task/variant.
  std::string canonical(std::string_view path) {
    return make_plan_for_path(catalog_, path).canonical_path();
  }

  const PlanNode& node(const Plan& plan, std::string_view name) {
    for (const auto& n : plan.nodes) {
      if (n.task->name == name) return n;
    }
    throw std::runtime_error("no node " + std::string(name));
  }

  int path_errno(std::string_view path) {
    try {
      make_plan_for_path(catalog_, path);
    } catch (const spec::PathError& e) {
      return e.error_number();
    }
    return 0;
  }

  Catalog catalog_;
};

TEST_F(PlanTest, DefaultPlanIsTheUpstreamClosureAtDefaults) {
  Plan plan = make_plan(catalog_, "results", "default");
  ASSERT_EQ(plan.nodes.size(), 5u);
  EXPECT_EQ(plan.target().task->name, "results");
  EXPECT_EQ(plan.canonical_path(), "results/default");
  for (const auto& n : plan.nodes) {
    EXPECT_EQ(n.variant, "default") << n.task->name;
    ASSERT_EQ(n.params.size(), n.task->params.size());
    for (std::size_t i = 0; i < n.params.size(); ++i) {
      EXPECT_EQ(n.params[i], n.task->params[i].default_value);
    }
    ASSERT_EQ(n.inputs.size(), n.task->inputs.size());
    for (std::size_t i = 0; i < n.inputs.size(); ++i) {
      EXPECT_EQ(plan.nodes[n.inputs[i]].task->name, n.task->inputs[i]);
    }
  }
}

TEST_F(PlanTest, OverridesSetTheParamsOfTheirTaskOnly) {
  Plan plan = make_plan(catalog_, "results", "top:1,train=maxiter:5,preproc_train=normalize:1");
  EXPECT_EQ(node(plan, "results").params, std::vector<Value>{Value{std::int64_t{1}}});
  EXPECT_EQ(node(plan, "train").params, (std::vector<Value>{Value{std::int64_t{5}}, Value{1e-4}}));
  EXPECT_EQ(node(plan, "preproc_train").params,
            (std::vector<Value>{Value{Files("data/train-*.gz")}, Value{true}}));
}

TEST_F(PlanTest, EverySpellingOfTheSameParamsHasOneCanonicalPath) {
  for (const char* path :
       {"results/train=maxiter:5,eps:0.01", "results/train=eps:0.01,maxiter:5",
        "results/train=maxiter:5,train=eps:1e-2", "results/train=eps:1E-2,maxiter:05",
        "results/train=maxiter:5,eps:0.01,results=top:3",
        "results/top:3,train=maxiter:5,eps:0.010"}) {
    EXPECT_EQ(canonical(path), "results/train=eps:0.01,maxiter:5") << path;
  }
}

TEST_F(PlanTest, CanonicalSpellingPutsOwnParamsFirstThenOtherTasksByName) {
  EXPECT_EQ(canonical("train/preproc_train=normalize:true,train=maxiter:5"),
            "train/maxiter:5,preproc_train=normalize:true");
  EXPECT_EQ(canonical("results/train=maxiter:5,preproc_train=normalize:true,results=top:1"),
            "results/top:1,preproc_train=normalize:true,train=maxiter:5");
}

TEST_F(PlanTest, ValuesEqualToTheDefaultAreDropped) {
  EXPECT_EQ(canonical("train/maxiter:10"), "train/default");
  EXPECT_EQ(canonical("results/top:3,train=eps:0.0001"), "results/default");
  EXPECT_EQ(canonical("train/maxiter:7,preproc_train=normalize:0"), "train/maxiter:7");
}

TEST_F(PlanTest, CanonicalValuesAreReEncoded) {
  EXPECT_EQ(canonical("fextract_train/preproc_train=images:%2fdata%2f*.gz"),
            "fextract_train/preproc_train=images:%2Fdata%2F*.gz");
  EXPECT_EQ(canonical("other/k:a%2cb"), "other/k:a%2Cb");
}

TEST_F(PlanTest, EachNodeGetsTheVariantOfItsOwnFile) {
  Plan plan = make_plan(catalog_, "results", "train=maxiter:5,preproc_train=normalize:true");
  EXPECT_EQ(node(plan, "preproc_train").variant, "normalize:true");
  EXPECT_EQ(node(plan, "fextract_train").variant, "preproc_train=normalize:true");
  EXPECT_EQ(node(plan, "train").variant, "maxiter:5,preproc_train=normalize:true");
  EXPECT_EQ(node(plan, "evaluate").variant, "preproc_train=normalize:true,train=maxiter:5");
}

TEST_F(PlanTest, OnlyValuesGivenInThePathAreFromThePath) {
  // A reader chose these (they are confined); the task code's defaults are trusted.
  Plan plan = make_plan(catalog_, "train", "preproc_train=images:%2Fetc%2F*,train=maxiter:5");
  EXPECT_TRUE(node(plan, "preproc_train").from_path(0));
  EXPECT_FALSE(node(plan, "preproc_train").from_path(1));
  EXPECT_TRUE(node(plan, "train").from_path(0));
  EXPECT_FALSE(node(plan, "train").from_path(1));
  Plan spelled_default = make_plan(catalog_, "preproc_train", "images:data%2Ftrain-*.gz");
  EXPECT_FALSE(node(spelled_default, "preproc_train").from_path(0));
}

TEST_F(PlanTest, PathWithoutVariantIsTheDefault) {
  EXPECT_EQ(canonical("results"), "results/default");
  EXPECT_EQ(canonical("results/"), "results/default");
}

TEST_F(PlanTest, UnknownTaskIsNotFound) {
  EXPECT_EQ(path_errno("nosuch/default"), ENOENT);
  EXPECT_EQ(path_errno("results/nosuch=k:1"), ENOENT);
}

TEST_F(PlanTest, UnknownParamIsNotFound) {
  EXPECT_EQ(path_errno("train/nosuch:1"), ENOENT);
  EXPECT_EQ(path_errno("results/train=top:1"), ENOENT);
}

TEST_F(PlanTest, ParamOfATaskNotUpstreamIsNotFound) {
  EXPECT_EQ(path_errno("results/other=k:y"), ENOENT);
  EXPECT_EQ(path_errno("train/results=top:1"), ENOENT);  // downstream is not upstream
}

TEST_F(PlanTest, MalformedVariantIsNotFound) {
  EXPECT_EQ(path_errno("train/maxiter"), ENOENT);
  EXPECT_EQ(path_errno("train/maxiter:5,"), ENOENT);
}

TEST_F(PlanTest, ValueThatDoesNotParseAsTheParamTypeIsInvalid) {
  EXPECT_EQ(path_errno("train/maxiter:abc"), EINVAL);
  EXPECT_EQ(path_errno("train/maxiter:1.5"), EINVAL);
  EXPECT_EQ(path_errno("train/maxiter:99999999999"), EINVAL);  // beyond int
  EXPECT_EQ(path_errno("train/eps:nan"), EINVAL);
  EXPECT_EQ(path_errno("train/preproc_train=normalize:maybe"), EINVAL);
  EXPECT_EQ(path_errno("train/preproc_train=images:"), EINVAL);
}

TEST_F(PlanTest, ConflictingDuplicateIsInvalid) {
  EXPECT_EQ(path_errno("train/maxiter:5,maxiter:6"), EINVAL);
  EXPECT_EQ(path_errno("results/train=maxiter:5,train=maxiter:6"), EINVAL);
}

TEST_F(PlanTest, RepeatedOverrideWithTheSameValueIsAccepted) {
  EXPECT_EQ(canonical("train/maxiter:5,maxiter:5"), "train/maxiter:5");
}

TEST_F(PlanTest, RepeatedOverrideWithTheSameValueSpelledDifferentlyIsAccepted) {
  EXPECT_EQ(canonical("train/maxiter:5,maxiter:05"), "train/maxiter:5");
  EXPECT_EQ(canonical("train/eps:0.01,eps:1e-2"), "train/eps:0.01");
}

}  // namespace
}  // namespace taskfs
