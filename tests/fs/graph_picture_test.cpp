// mnt/.taskfs/graph.svg: the task graph drawn by Graphviz, each task filled by
// the state of its default result, drawn afresh on every read.
#include <string>

#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

using GraphPictureTest = MountTest;

// The fill color of the node titled `task` in Graphviz's SVG; "" when absent.
std::string fill_of(const std::string& svg, const std::string& task) {
  std::size_t node = svg.find("<title>" + task + "</title>");
  if (node == std::string::npos) return "";
  std::size_t end = svg.find("</g>", node);
  std::size_t fill = svg.find("fill=\"", node);
  if (fill == std::string::npos || fill > end) return "";
  fill += 6;
  return svg.substr(fill, svg.find('"', fill) - fill);
}

TEST_F(GraphPictureTest, IsAnSvgNamingEveryTaskWithAnEdgeForEveryInput) {
  Finished svg = sh("cat mnt/.taskfs/graph.svg");
  ASSERT_TRUE(svg.succeeded()) << svg.err;
  EXPECT_TRUE(svg.out.starts_with("<?xml") || svg.out.starts_with("<svg")) << svg.out;
  for (const char* task : {"numbers", "total", "report", "stats", "prefixes", "slow", "crash",
                           "fail", "big", "words", "listing"}) {
    EXPECT_NE(svg.out.find(std::string("<title>") + task + "</title>"), std::string::npos)
        << task << " is not drawn:\n"
        << svg.out;
  }
  // Graphviz titles an edge "from&#45;&gt;to".
  EXPECT_NE(svg.out.find("<title>numbers&#45;&gt;total</title>"), std::string::npos) << svg.out;
  Finished parsed =
      sh("python3 -c 'import sys, xml.dom.minidom as m; "
         "print(m.parse(sys.argv[1]).documentElement.tagName)' mnt/.taskfs/graph.svg");
  EXPECT_EQ(parsed.out, "svg\n") << parsed.err;
}

TEST_F(GraphPictureTest, NodeColorsFollowTheStateOfEachDefaultResult) {
  Finished before = sh("cat mnt/.taskfs/graph.svg");
  ASSERT_TRUE(before.succeeded()) << before.err;
  EXPECT_EQ(fill_of(before.out, "numbers"), "white") << before.out;     // missing
  EXPECT_EQ(fill_of(before.out, "report"), "lightblue") << before.out;  // nocache

  ASSERT_TRUE(sh("cat mnt/numbers/default").succeeded());
  EXPECT_FALSE(sh("cat mnt/fail/default").succeeded());
  Finished after = sh("cat mnt/.taskfs/graph.svg");
  ASSERT_TRUE(after.succeeded()) << after.err;
  EXPECT_EQ(fill_of(after.out, "numbers"), "palegreen") << after.out;  // cached
  EXPECT_EQ(fill_of(after.out, "fail"), "salmon") << after.out;        // failed
  EXPECT_EQ(fill_of(after.out, "total"), "white") << after.out;        // still missing
}

TEST_F(GraphPictureTest, StatShowsSizeZeroAndAReadStillGetsTheWholePicture) {
  // Drawing happens on open only, never on stat; direct_io makes the read
  // return the whole picture whatever the size stat showed.
  EXPECT_EQ(sh("stat -c %s mnt/.taskfs/graph.svg").out, "0\n");
  Finished svg = sh("cat mnt/.taskfs/graph.svg");
  ASSERT_TRUE(svg.succeeded()) << svg.err;
  EXPECT_NE(svg.out.find("</svg>"), std::string::npos) << svg.out;
}

}  // namespace
}  // namespace taskfs::fstest
