// Type names as listings show them: the demangled names of real types, as the
// task library reports them, read back as a user writes them.
#include "graph/type_name.hpp"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#include "taskfs/taskfs.hpp"

namespace user_ns {
struct Scores {};
template <class T>
struct Box {};
}  // namespace user_ns

namespace taskfs {
namespace {

template <class T>
std::string shown() {
  return readable_type_name(detail::demangle(typeid(T).name()));
}

TEST(TypeName, StringReadsAsStdString) { EXPECT_EQ(shown<std::string>(), "std::string"); }

TEST(TypeName, ContainersDropTheirAllocator) {
  EXPECT_EQ(shown<std::vector<double>>(), "std::vector<double>");
  EXPECT_EQ(shown<std::vector<std::string>>(), "std::vector<std::string>");
  EXPECT_EQ(shown<std::vector<std::vector<int>>>(), "std::vector<std::vector<int>>");
}

TEST(TypeName, AssociativeContainersDropComparatorAndHasher) {
  EXPECT_EQ((shown<std::map<std::string, int>>()), "std::map<std::string, int>");
  EXPECT_EQ(shown<std::set<long>>(), "std::set<long>");
  EXPECT_EQ((shown<std::unordered_map<std::string, std::vector<double>>>()),
            "std::unordered_map<std::string, std::vector<double>>");
}

TEST(TypeName, OtherStandardTemplatesReadAsWritten) {
  EXPECT_EQ((shown<std::pair<std::string, double>>()), "std::pair<std::string, double>");
  EXPECT_EQ((shown<std::array<int, 10>>()), "std::array<int, 10>");
  EXPECT_EQ(shown<std::optional<std::string>>(), "std::optional<std::string>");
  EXPECT_EQ(shown<std::unique_ptr<int>>(), "std::unique_ptr<int>");
  EXPECT_EQ(shown<std::wstring>(), "std::wstring");
}

TEST(TypeName, UserTypesKeepTheirNames) {
  EXPECT_EQ(shown<user_ns::Scores>(), "user_ns::Scores");
  EXPECT_EQ(shown<user_ns::Box<std::string>>(), "user_ns::Box<std::string>");
  EXPECT_EQ(shown<std::vector<user_ns::Scores>>(), "std::vector<user_ns::Scores>");
  EXPECT_EQ(shown<int>(), "int");
}

TEST(TypeName, AUserTemplateKeepsArgumentsThatLookLikeDefaults) {
  // Only the standard library's own templates have their defaults dropped.
  EXPECT_EQ(readable_type_name("user_ns::Box<std::less<int> >"), "user_ns::Box<std::less<int>>");
}

TEST(TypeName, ANameItCannotParseIsReturnedUnchanged) {
  EXPECT_EQ(readable_type_name("broken<int"), "broken<int");
  EXPECT_EQ(readable_type_name(""), "");
}

}  // namespace
}  // namespace taskfs
