// Directory listings and sizes: ls shows tasks, canonical variants and true
// sizes, and looking at a missing file never computes it.
#include <cerrno>
#include <string>

#include "big_text.hpp"
#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

using ListingTest = MountTest;

TEST_F(ListingTest, LsOfTheRootListsEveryTaskAndTheControlDirectory) {
  Finished ls = sh("ls -A mnt");
  ASSERT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_EQ(ls.out,
            ".taskfs\nbig\nchatty\ncrash\nfail\nhalfway\nhang\nlisting\nnumbers\nprefixes\nreport\n"
            "slow\nstats\ntalk\ntalker_0\ntalker_1\ntalker_2\ntalker_3\ntalker_4\ntalker_5\n"
            "total\nwords\n");
  EXPECT_EQ(sh("ls mnt/.taskfs").out, "graph.dot\ngraph.svg\nlog\nstatus\ntasks\n");
}

TEST_F(ListingTest, LsOfATaskListsDefaultAndTheCanonicalSpellingOfReadVariants) {
  EXPECT_EQ(sh("ls mnt/total").out, "default\n");
  ASSERT_TRUE(sh("cat mnt/total/numbers=n:07,total=scale:2.0").succeeded());
  ASSERT_TRUE(sh("cat mnt/total/scale:1").succeeded());  // the default, spelled out
  EXPECT_EQ(sh("ls mnt/total").out, "default\nscale:2,numbers=n:7\n");
}

TEST_F(ListingTest, LsOfATaskWithManyVariantsListsThemAll) {
  ASSERT_TRUE(sh("i=1; while [ $i -le 300 ]; do cat mnt/numbers/n:$i; i=$((i+1)); done >/dev/null")
                  .succeeded());
  Finished ls = sh("ls -f mnt/numbers | grep -c '^n:'");
  EXPECT_EQ(ls.out, "299\n") << "n:5 is the default";
  EXPECT_EQ(sh("ls mnt/numbers | sort -t: -k2 -n | tail -n 1").out, "n:300\n");
}

TEST_F(ListingTest, LsLongShowsTheTrueSizeOfACachedResult) {
  ASSERT_TRUE(sh("cat mnt/big/mb:2 > /dev/null").succeeded());
  EXPECT_EQ(sh("stat -c %s mnt/big/mb:2").out, std::to_string(2 * fs_tasks::kMiB) + "\n");
  Finished ls = sh("ls -l mnt/big/mb:2");
  EXPECT_NE(ls.out.find(" " + std::to_string(2 * fs_tasks::kMiB) + " "), std::string::npos)
      << ls.out;
}

TEST_F(ListingTest, LsLongAndStatOfAMissingResultShowSizeZeroAndComputeNothing) {
  Finished ls = sh("ls -l mnt/total/scale:3");
  ASSERT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_NE(ls.out.find(" 0 "), std::string::npos) << ls.out;
  EXPECT_EQ(sh("stat -c %s mnt/total/scale:3").out, "0\n");
  EXPECT_EQ(sh("stat -c %s mnt/big/mb:5").out, "0\n");
  EXPECT_EQ(runs("numbers"), 0);
  EXPECT_EQ(runs("total"), 0);
  EXPECT_EQ(runs("big"), 0);
}

// 100 spaces: a 114-byte name whose canonical spelling (%20 each) has 314.
const std::string kLongSpaces(100, ' ');
std::string long_canonical_glob() {
  std::string spaces;
  for (int i = 0; i < 100; ++i) spaces += "%20";
  return "files:data%2F*" + spaces;
}

TEST_F(ListingTest, NameWhoseCanonicalSpellingIsTooLongIsRefusedAtLookupAndComputesNothing) {
  Finished stat = sh("python3 -c 'import os\ntry: os.stat(\"mnt/listing/files:data%2F*" +
                     kLongSpaces + "\")\nexcept OSError as e: print(e.errno)'");
  EXPECT_EQ(stat.out, std::to_string(ENAMETOOLONG) + "\n") << stat.err;
  Finished cat = sh("cat 'mnt/listing/files:data%2F*" + kLongSpaces + "'");
  EXPECT_NE(cat.err.find("File name too long"), std::string::npos) << cat.err;
  EXPECT_EQ(runs("listing"), 0);
  EXPECT_NE(daemon_log().find("more than a file name may have"), std::string::npos) << daemon_log();
}

TEST_F(ListingTest, TooLongVariantInTheStoreIsLeftOutOfTheListing) {
  // `taskfs run` has no file name limit: it stores the variant.
  Finished run_long = run({kTaskfs, "run", "listing/" + long_canonical_glob(),
                           "listing/files:data%2Fw*", "--tasks", kFsTasks, "--store", store()});
  ASSERT_TRUE(run_long.succeeded()) << run_long.err;
  Finished ls = sh("ls mnt/listing");
  EXPECT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_EQ(ls.out, "default\nfiles:data%2Fw*\n");
}

}  // namespace
}  // namespace taskfs::fstest
