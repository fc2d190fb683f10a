// Reading results with everyday programs: cat, head, diff, grep, wc, cp,
// python and a shell loop see the bytes of the right variant.
#include <unistd.h>

#include <string>

#include "big_text.hpp"
#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

using ReadTest = MountTest;

// numbers(n) is 1..n and total is its sum times scale: the default is 1+...+5.
TEST_F(ReadTest, CatOfDefaultVariantGivesTheDefaultResult) {
  Finished cat = sh("cat mnt/total/default");
  ASSERT_TRUE(cat.succeeded()) << cat.err;
  EXPECT_EQ(cat.out, "15\n");
}

TEST_F(ReadTest, CatOfOverriddenVariantsGivesTheirResults) {
  EXPECT_EQ(sh("cat mnt/total/scale:2").out, "30\n");
  EXPECT_EQ(sh("cat mnt/total/numbers=n:7").out, "28\n");
  EXPECT_EQ(sh("cat mnt/numbers/n:3").out, "1\n2\n3\n");
  EXPECT_EQ(sh("cat mnt/report/title:sum,total=scale:0.5").out, "sum: 7.5\n");
}

TEST_F(ReadTest, PercentEncodedValuesAreDecoded) {
  EXPECT_EQ(sh("cat 'mnt/report/title:a%2Fb%2Cc%3Ad%3De%25'").out, "a/b,c:d=e%: 15\n");
  EXPECT_EQ(sh("cat 'mnt/report/title:%C3%A9t%C3%A9'").out, "\u00e9t\u00e9: 15\n");
  EXPECT_EQ(sh("cat 'mnt/report/title:caf%c3%a9'").out, "caf\u00e9: 15\n");
}

TEST_F(ReadTest, EverySpellingOfTheSameParamsReadsTheSameBytesFromOneRun) {
  const std::string spellings[] = {"numbers=n:7", "numbers=n:07", "scale:1,numbers=n:7",
                                   "numbers=n:7,total=scale:1.0", "scale:1.000,numbers=n:7"};
  for (const auto& spelling : spellings) {
    Finished cat = sh("cat 'mnt/total/" + spelling + "'");
    EXPECT_TRUE(cat.succeeded()) << spelling << ": " << cat.err;
    EXPECT_EQ(cat.out, "28\n") << spelling;
  }
  EXPECT_EQ(runs("total"), 1);
  EXPECT_EQ(runs("numbers"), 1);
}

TEST_F(ReadTest, HeadOfALargeResultGivesItsFirstBytes) {
  Finished head = sh("head -c 100 mnt/big/mb:16");
  ASSERT_TRUE(head.succeeded()) << head.err;
  EXPECT_EQ(head.out, fs_tasks::big_text(100));
}

TEST_F(ReadTest, TailOfALargeCachedResultGivesItsLastBytes) {
  ASSERT_TRUE(sh("cat mnt/big/mb:16 > /dev/null").succeeded());
  std::string text = fs_tasks::big_text(16 * fs_tasks::kMiB);
  EXPECT_EQ(sh("tail -c 100 mnt/big/mb:16").out, text.substr(text.size() - 100));
  EXPECT_EQ(sh("head -c 100 mnt/big/mb:16").out, text.substr(0, 100));
}

TEST_F(ReadTest, ALargeResultStreamsWholeAndExact) {
  write_file("expected.bin", fs_tasks::big_text(16 * fs_tasks::kMiB));
  Finished cmp = sh("cmp mnt/big/mb:16 expected.bin");
  EXPECT_TRUE(cmp.succeeded()) << cmp.out << cmp.err;
}

// As root on a kernel with FUSE passthrough, a cached large result is read by
// the kernel from the store's blob file: the bytes must be the same, and the
// daemon says it is on (elsewhere the ordinary path serves the same bytes).
TEST_F(ReadTest, ACachedLargeResultReadsExactlyThroughPassthroughWhereAvailable) {
  ASSERT_TRUE(sh("cat mnt/big/mb:4 > /dev/null").succeeded());
  write_file("expected.bin", fs_tasks::big_text(4 * fs_tasks::kMiB));
  Finished cmp = sh("cmp mnt/big/mb:4 expected.bin && tail -c 10 mnt/big/mb:4");
  EXPECT_TRUE(cmp.succeeded()) << cmp.out << cmp.err;
  bool kernel_has_it =
      sh("zcat /proc/config.gz 2>/dev/null | grep -q CONFIG_FUSE_PASSTHROUGH=y").succeeded();
  if (::geteuid() == 0 && kernel_has_it) {
    EXPECT_NE(daemon_log().find("FUSE passthrough"), std::string::npos) << daemon_log();
  }
}

TEST_F(ReadTest, WcCountsTheBytesOfTheResult) {
  EXPECT_EQ(sh("wc -c < mnt/big/mb:3").out, std::to_string(3 * fs_tasks::kMiB) + "\n");
  EXPECT_EQ(sh("wc -c < mnt/report/default").out,
            std::to_string(std::string("total: 15\n").size()) + "\n");
}

TEST_F(ReadTest, DiffShowsHowTwoVariantsDiffer) {
  Finished diff = sh("diff mnt/total/default mnt/total/scale:2");
  EXPECT_EQ(diff.exit_code(), 1) << diff.err;
  EXPECT_NE(diff.out.find("< 15"), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("> 30"), std::string::npos) << diff.out;
  EXPECT_TRUE(sh("diff mnt/total/scale:2 mnt/total/scale:2.0").succeeded());
}

TEST_F(ReadTest, GrepFindsALineOfAResult) {
  Finished grep = sh("grep -n -x 4 mnt/numbers/n:6");
  ASSERT_TRUE(grep.succeeded()) << grep.err;
  EXPECT_EQ(grep.out, "4:4\n");
  EXPECT_EQ(sh("grep -x 9 mnt/numbers/n:6").exit_code(), 1);
}

TEST_F(ReadTest, CpCopiesAResultToARegularFile) {
  Finished cp = sh("cp mnt/report/default copy.txt");
  ASSERT_TRUE(cp.succeeded()) << cp.err;
  EXPECT_EQ(read_file("copy.txt"), "total: 15\n");
}

TEST_F(ReadTest, PythonReadsAResult) {
  Finished python = run({"python3", "-c", "print(open('mnt/total/numbers=n:4').read(), end='')"});
  ASSERT_TRUE(python.succeeded()) << python.err;
  EXPECT_EQ(python.out, "10\n");
}

TEST_F(ReadTest, StructResultsReadAsJson) {
  Finished object = run({"python3", "-c",
                         "import json; s = json.load(open('mnt/stats/default'));"
                         "print(s['count'], s['mean'])"});
  EXPECT_EQ(object.out, "5 3.0\n") << object.err;
  Finished lines = run({"python3", "-c",
                        "import json; print([json.loads(line)['mean']"
                        " for line in open('mnt/prefixes/numbers=n:3')])"});
  EXPECT_EQ(lines.out, "[1.0, 1.5, 2.0]\n") << lines.err;
}

TEST_F(ReadTest, AShellLoopOverAParamReadsEachVariant) {
  Finished loop = sh("for i in 1 2 3; do cat mnt/total/numbers=n:$i; done");
  ASSERT_TRUE(loop.succeeded()) << loop.err;
  EXPECT_EQ(loop.out, "1\n3\n6\n");
}

}  // namespace
}  // namespace taskfs::fstest
