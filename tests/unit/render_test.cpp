// The file view of a result (SPEC section 2, "File content"): strings and
// bytes raw, numbers and bools as text and a newline, sequences of scalars one
// element a line, everything else JSON (sequences of objects: one a line).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <taskfs/taskfs.hpp>
#include <vector>

namespace render_test {

struct Point {
  int x = 0;
  std::string name;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(CEREAL_NVP(x), CEREAL_NVP(name));
  }
};

// A type that chooses its own file content.
struct Celsius {
  double degrees = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(degrees);
  }
};
void taskfs_render(std::ostream& os, const Celsius& c) { os << c.degrees << " C\n"; }

}  // namespace render_test

namespace taskfs::detail {
namespace {

using render_test::Celsius;
using render_test::Point;

// The bytes of the file view of `value`, made as a worker makes them.
template <class T>
std::string file_of(const T& value) {
  RenderedView view = render_value(value);
  if (!view.is_value_suffix) return view.text;
  return serialize(value).substr(view.suffix_offset);
}

bool is_json_line(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  return !doc.HasParseError() && line.find('\n') == std::string::npos;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  EXPECT_EQ(start, text.size()) << "the last line has no newline: " << text;
  return out;
}

TEST(RenderTest, StringIsItsRawBytes) {
  std::string bytes("PNG\0\x01\xff text", 12);
  EXPECT_TRUE(render_value(bytes).is_value_suffix);
  EXPECT_EQ(file_of(bytes), bytes);
  EXPECT_EQ(file_of(std::string()), "");
}

TEST(RenderTest, ByteVectorIsItsRawBytes) {
  EXPECT_EQ(file_of(std::vector<unsigned char>{'a', 0, 255}), std::string("a\0\xff", 3));
  EXPECT_EQ(file_of(std::vector<char>{'h', 'i'}), "hi");
}

TEST(RenderTest, NumbersAndBoolsAreTheirTextAndANewline) {
  EXPECT_EQ(file_of(42), "42\n");
  EXPECT_EQ(file_of(-1.5), "-1.5\n");
  EXPECT_EQ(file_of(0.1), "0.1\n");
  EXPECT_EQ(file_of(true), "true\n");
  EXPECT_EQ(file_of(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615\n");
}

TEST(RenderTest, SequencesOfScalarsAreOneElementALine) {
  EXPECT_EQ(file_of(std::vector<int>{1, 2, 3}), "1\n2\n3\n");
  EXPECT_EQ(file_of(std::vector<double>{0.5, 2}), "0.5\n2\n");
  EXPECT_EQ(file_of(std::vector<std::string>{"a b", "c"}), "a b\nc\n");
  EXPECT_EQ(file_of(std::set<int>{3, 1}), "1\n3\n");
  EXPECT_EQ(file_of(std::array<bool, 2>{true, false}), "true\nfalse\n");
  EXPECT_EQ(file_of(std::vector<int>{}), "");
}

TEST(RenderTest, ObjectIsOneLineOfJson) {
  std::string text = file_of(Point{3, "p"});
  auto l = lines(text);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_TRUE(is_json_line(l[0])) << l[0];
  EXPECT_NE(l[0].find("\"x\":3"), std::string::npos) << l[0];
  EXPECT_NE(l[0].find("\"name\":\"p\""), std::string::npos) << l[0];
}

TEST(RenderTest, SequenceOfObjectsIsOneJsonObjectALine) {
  auto l = lines(file_of(std::vector<Point>{{1, "a"}, {2, "b"}}));
  ASSERT_EQ(l.size(), 2u);
  for (const auto& line : l) EXPECT_TRUE(is_json_line(line)) << line;
  EXPECT_NE(l[1].find("\"b\""), std::string::npos) << l[1];
}

TEST(RenderTest, MapIsJson) {
  auto l = lines(file_of(std::map<std::string, int>{{"a", 1}, {"b", 2}}));
  ASSERT_EQ(l.size(), 1u);
  EXPECT_TRUE(is_json_line(l[0])) << l[0];
}

TEST(RenderTest, TypeWithItsOwnRenderingChoosesItsContent) {
  EXPECT_EQ(file_of(Celsius{21.5}), "21.5 C\n");
}

}  // namespace
}  // namespace taskfs::detail
