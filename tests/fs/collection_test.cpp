// Collections through a real mount and `taskfs run` (SPEC 6): a tf::List or
// tf::Dict result is a directory of element files, stored element by element,
// and a downstream task reads it as a lazy view.
#include <csignal>
#include <filesystem>
#include <string>

#include "big_text.hpp"
#include "mount_fixture.hpp"

namespace taskfs::fstest {
namespace {

const std::filesystem::path kCollectionTasks = COLLECTION_TASKS_LIBRARY;

class CollectionTest : public ProjectTest {
 protected:
  void SetUp() override {
    ProjectTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(mount(kCollectionTasks));
  }
  Finished taskfs_run(const std::string& path) {
    return run({kTaskfs, "run", path, "--tasks", kCollectionTasks});
  }
};

TEST_F(CollectionTest, ACollectionIsADirectoryListingItsElementNames) {
  Finished ls = sh("ls mnt/squares/default");
  ASSERT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_EQ(ls.out, "0\n1\n2\n3\n4\n");
  EXPECT_EQ(sh("test -d mnt/squares/default && echo dir").out, "dir\n");
  EXPECT_EQ(runs("squares"), 1);
}

TEST_F(CollectionTest, AnElementReadsAsItsOwnResult) {
  EXPECT_EQ(sh("cat mnt/squares/n:7/6").out, "36\n") << "computes the collection first";
  EXPECT_EQ(sh("cat mnt/squares/n:7/3").out, "9\n") << "then served from the store";
  EXPECT_EQ(runs("squares"), 1);
}

TEST_F(CollectionTest, AnUnknownElementIsNoSuchFile) {
  ASSERT_TRUE(sh("ls mnt/squares/default").succeeded());
  for (const char* name : {"5", "x", "-1", "03"}) {
    Finished cat = sh(std::string("cat mnt/squares/default/") + name);
    EXPECT_FALSE(cat.succeeded()) << name;
    EXPECT_NE(cat.err.find("No such file"), std::string::npos) << name << ": " << cat.err;
  }
  Finished missing = sh("cat mnt/squares/n:3/3");  // the collection is computed first
  EXPECT_NE(missing.err.find("No such file"), std::string::npos) << missing.err;
}

TEST_F(CollectionTest, StatAndLsLongNeverComputeAndShowTrueSizesOnceCached) {
  EXPECT_EQ(sh("stat -c %F mnt/squares/n:9").out, "directory\n");
  EXPECT_EQ(sh("stat -c %s mnt/squares/n:9/8").out, "0\n");
  EXPECT_EQ(state("mnt/squares/n:9"), "missing");
  EXPECT_EQ(runs("squares"), 0);
  ASSERT_TRUE(sh("ls mnt/squares/n:9").succeeded());
  EXPECT_EQ(state("mnt/squares/n:9"), "cached");
  EXPECT_EQ(sh("stat -c %s mnt/squares/n:9/8").out, "3\n") << "\"64\\n\"";
  Finished ls = sh("ls -l mnt/squares/n:9 | grep -c '^-r--r--r--'");
  EXPECT_EQ(ls.out, "9\n") << sh("ls -l mnt/squares/n:9").out;
  EXPECT_EQ(runs("squares"), 1);
}

TEST_F(CollectionTest, AnEmptyCollectionIsAnEmptyDirectory) {
  Finished ls = sh("ls -A mnt/squares/n:0");
  ASSERT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_EQ(ls.out, "");
  EXPECT_EQ(sh("cat mnt/sum/squares=n:0").out, "0\n");
  EXPECT_EQ(sh("cat mnt/view/squares=n:0").out, "size 0\n\n");
}

TEST_F(CollectionTest, ADownstreamTaskReadsTheCollectionAsALazyView) {
  EXPECT_EQ(sh("cat mnt/sum/default").out, "30\n");
  EXPECT_EQ(sh("cat mnt/view/default").out, "size 5\nlast 16\nnamed 2: 4\n0 1 2 3 4 \n");
  EXPECT_EQ(sh("cat mnt/sum/squares=n:1000").out, "332833500\n");
}

TEST_F(CollectionTest, EqualElementsMakeAnEqualContentHashSoDownstreamIsNotRunAgain) {
  EXPECT_EQ(sh("cat mnt/sum/default").out, "30\n");
  EXPECT_EQ(sh("cat mnt/sum/squares=unused:1").out, "30\n");
  EXPECT_EQ(runs("squares"), 2);
  EXPECT_EQ(runs("sum"), 1) << "early cutoff: the collection came out identical";
}

TEST_F(CollectionTest, DictKeysArePercentEncodedFileNamesThatRoundTrip) {
  Finished ls = sh("ls -U mnt/labels/default");  // in the order they were inserted
  ASSERT_TRUE(ls.succeeded()) << ls.err;
  EXPECT_EQ(ls.out, "plain\na%2Fb%20c\n100%25\ncaf%C3%A9\n%2E\n");
  EXPECT_EQ(sh("cat 'mnt/labels/default/a%2Fb%20c'").out, "label of a/b c");
  EXPECT_EQ(sh("cat 'mnt/labels/default/100%25'").out, "label of 100%");
  EXPECT_EQ(sh("cat 'mnt/labels/default/caf%c3%a9'").out, "label of caf\u00e9");
  EXPECT_EQ(sh("cat 'mnt/labels/default/%2E'").out, "label of .");
  EXPECT_EQ(sh("cat mnt/labels/default/plain").out, "label of plain");
  EXPECT_EQ(sh("cat mnt/label_count/default").out,
            "plain=label of plain\na/b c=label of a/b c\n100%=label of 100%\n"
            "caf\u00e9=label of caf\u00e9\n.=label of .\nslash: label of a/b c\n");
}

TEST_F(CollectionTest, LargeElementsStreamExactly) {
  write_file("expected.bin", "2:" + fs_tasks::big_text(2 * fs_tasks::kMiB));
  ASSERT_TRUE(sh("ls mnt/chunks/mb:2").succeeded());
  Finished cmp = sh("cmp mnt/chunks/mb:2/2 expected.bin");
  EXPECT_TRUE(cmp.succeeded()) << cmp.out << cmp.err;
  EXPECT_EQ(sh("stat -c %s mnt/chunks/mb:2/2").out, std::to_string(2 * fs_tasks::kMiB + 2) + "\n");
}

// 10,000 elements are stored in several batches before the crash.
TEST_F(CollectionTest, ACrashWhileProducingFailsTheListingAndCachesNothing) {
  Finished ls = sh("ls mnt/broken/default");
  EXPECT_FALSE(ls.succeeded());
  EXPECT_NE(ls.err.find("Input/output error"), std::string::npos) << ls.err;
  EXPECT_EQ(state("mnt/broken/default"), "failed");
  EXPECT_FALSE(sh("cat mnt/broken/default/5").succeeded()) << "tried again, failed again";
  EXPECT_EQ(sh("ls mnt/broken/crash:false | wc -l").out, "10000\n");
  EXPECT_EQ(sh("cat mnt/broken/crash:false/9999").out, "9999\n");
}

TEST_F(CollectionTest, TheDirectoryAndItsElementsCarryTheCollectionsAttributes) {
  EXPECT_EQ(state("mnt/labels/default"), "missing");
  ASSERT_TRUE(sh("ls mnt/labels/default").succeeded());
  EXPECT_EQ(state("mnt/labels/default"), "cached");
  EXPECT_EQ(xattr("mnt/labels/default/a%2Fb%20c", "user.taskfs.canonical"),
            "labels/default/a%2Fb%20c");
  EXPECT_EQ(xattr("mnt/labels/default", "user.taskfs.key"),
            xattr("mnt/labels/default/plain", "user.taskfs.key"));
}

// An element is made by its collection's run: why answers for the
// collection, through the daemon and without one.
TEST_F(CollectionTest, WhyOfAnElementIsWhyOfItsCollectionWithOrWithoutADaemon) {
  auto why = [&](const std::string& path) {
    return run({kTaskfs, "why", path, "--tasks", kCollectionTasks});
  };
  Finished missing = why("squares/n:4/3");
  ASSERT_TRUE(missing.succeeded()) << missing.err;
  EXPECT_EQ(missing.out, why("squares/n:4").out);
  ASSERT_EQ(sh("cat mnt/squares/n:4/3").out, "9\n");
  Finished cached = why("squares/n:4/3");
  ASSERT_TRUE(cached.succeeded()) << cached.err;
  EXPECT_NE(cached.out.find("computed"), std::string::npos) << cached.out;
  EXPECT_EQ(cached.out, why("squares/n:4").out);

  ASSERT_TRUE(end_daemon(SIGTERM).succeeded());
  Finished alone = why("squares/n:4/3");
  ASSERT_TRUE(alone.succeeded()) << alone.err;
  EXPECT_NE(alone.out.find("computed"), std::string::npos) << alone.out;
  EXPECT_EQ(alone.out, why("squares/n:4").out);
}

TEST_F(CollectionTest, TaskfsRunPrintsAWholeCollectionOrOneElement) {
  Finished all = taskfs_run("squares/default");
  ASSERT_TRUE(all.succeeded()) << all.err;
  EXPECT_EQ(all.out, "0\n1\n4\n9\n16\n");
  Finished one = taskfs_run("squares/n:4/3");
  ASSERT_TRUE(one.succeeded()) << one.err;
  EXPECT_EQ(one.out, "9\n");
  Finished encoded = taskfs_run("labels/default/a%2Fb%20c");
  EXPECT_EQ(encoded.out, "label of a/b c");
  Finished unknown = taskfs_run("squares/default/9");
  EXPECT_EQ(unknown.exit_code(), 1);
  EXPECT_NE(unknown.err.find("no element '9'"), std::string::npos) << unknown.err;
  Finished not_a_collection = taskfs_run("sum/default/1");
  EXPECT_EQ(not_a_collection.exit_code(), 2) << not_a_collection.err;
}

// Keeping the store (SPEC 7) through the command line: a collection's
// elements live and go with the result that holds it.
TEST_F(CollectionTest, GcKeepsACollectionWholeThenEvictsItWhole) {
  ASSERT_TRUE(sh("ls mnt/chunks/default").succeeded());
  for (int i = 0; i < 3; ++i) {
    write_file("expected" + std::to_string(i),
               std::to_string(i) + ":" + fs_tasks::big_text(fs_tasks::kMiB));
  }
  auto elements_read_whole = [&] {
    for (int i = 0; i < 3; ++i) {
      std::string n = std::to_string(i);
      if (!sh("cmp mnt/chunks/default/" + n + " expected" + n).succeeded()) return false;
    }
    return true;
  };
  Finished keep = run({kTaskfs, "gc", "--max-size", "1G", "--tasks", kCollectionTasks});
  ASSERT_TRUE(keep.succeeded()) << keep.err;
  EXPECT_EQ(state("mnt/chunks/default"), "cached");
  EXPECT_TRUE(elements_read_whole()) << "the orphan sweep left every element's file";

  Finished evict = run({kTaskfs, "gc", "--max-size", "1", "--tasks", kCollectionTasks});
  ASSERT_TRUE(evict.succeeded()) << evict.err;
  EXPECT_EQ(state("mnt/chunks/default"), "missing");
  std::size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(store() / "blobs")) {
    files += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, 0u) << "every element's file went with the collection";
  EXPECT_TRUE(elements_read_whole()) << "computed again";
  EXPECT_EQ(runs("chunks"), 2);
}

TEST_F(CollectionTest, RmOfACollectionMakesTheNextReadComputeItAgain) {
  ASSERT_EQ(sh("cat mnt/squares/default/3").out, "9\n");
  ASSERT_EQ(sh("cat mnt/squares/n:3/2").out, "4\n");
  Finished rm = run({kTaskfs, "rm", "squares/default", "--tasks", kCollectionTasks});
  ASSERT_TRUE(rm.succeeded()) << rm.err;
  EXPECT_EQ(state("mnt/squares/default"), "missing");
  EXPECT_EQ(state("mnt/squares/n:3"), "cached") << "only the one result goes";
  EXPECT_EQ(sh("cat mnt/squares/default/3").out, "9\n");
  EXPECT_EQ(sh("ls mnt/squares/default").out, "0\n1\n2\n3\n4\n");
  EXPECT_EQ(runs("squares"), 3);
}

}  // namespace
}  // namespace taskfs::fstest
