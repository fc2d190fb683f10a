// Cache keys (SPEC section 4): source normalization and code fingerprints, the
// key of a task run, and input file digests with their stat cache.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/catalog.hpp"
#include "key/cache_key.hpp"
#include "key/file_digest.hpp"
#include "key/fingerprint.hpp"
#include "key/hash.hpp"
#include "key/source_text.hpp"
#include "test_support.hpp"

namespace taskfs {
namespace {

// ---- hashes ----

TEST(HashTest, HexRoundTripsAndRejectsWhatIsNotAHash) {
  Hash128 h = hash_bytes("taskfs");
  EXPECT_EQ(h.hex().size(), 32u);
  EXPECT_EQ(Hash128::from_hex(h.hex()), h);
  EXPECT_THROW(Hash128::from_hex("abc"), std::invalid_argument);
  EXPECT_THROW(Hash128::from_hex(std::string(32, 'g')), std::invalid_argument);
}

TEST(HashTest, HexIsTheHighThenTheLowHalfInLowercaseWithLeadingZeros) {
  EXPECT_EQ((Hash128{0x0123456789abcdefULL, 0xfedcba9876543210ULL}.hex()),
            "0123456789abcdeffedcba9876543210");
  EXPECT_EQ((Hash128{0, 15}.hex()), "0000000000000000000000000000000f");
}

TEST(HashTest, FieldsAreLengthPrefixedSoBoundariesMatter) {
  EXPECT_NE(Hasher().field("ab").field("c").finish(), Hasher().field("a").field("bc").finish());
  EXPECT_EQ(Hasher().field("ab").field("c").finish(), Hasher().field("ab").field("c").finish());
}

// ---- source normalization ----

TEST(NormalizeSourceTest, CommentEditsChangeNothing) {
  std::string plain = "int f(int x) {\n  return x * 2;\n}\n";
  EXPECT_EQ(normalize_source("// doubles x\n" + plain), normalize_source(plain));
  EXPECT_EQ(normalize_source("int f(int x) { /* twice */ return x * 2; // done\n}"),
            normalize_source(plain));
  EXPECT_EQ(normalize_source("int f(int x) {\n  /* multi\n  line */ return x * 2;\n}"),
            normalize_source(plain));
}

TEST(NormalizeSourceTest, WhitespaceEditsChangeNothing) {
  std::string plain = "int f(int x) { return x * 2; }";
  EXPECT_EQ(normalize_source("int f( int x ){return x*2;}"), normalize_source(plain));
  EXPECT_EQ(normalize_source("int\tf(int   x)\n{\n\n    return x\n * 2;\r\n}\n"),
            normalize_source(plain));
}

TEST(NormalizeSourceTest, CodeEditsChangeIt) {
  std::string plain = "int f(int x) { return x * 2; }";
  EXPECT_NE(normalize_source("int f(int x) { return x * 3; }"), normalize_source(plain));
  EXPECT_NE(normalize_source("int f(int x) { return x + 2; }"), normalize_source(plain));
  EXPECT_NE(normalize_source("long f(int x) { return x * 2; }"), normalize_source(plain));
}

TEST(NormalizeSourceTest, SpaceBetweenWordsIsKept) {
  EXPECT_NE(normalize_source("unsigned int x;"), normalize_source("unsignedint x;"));
  EXPECT_NE(normalize_source("return a;"), normalize_source("returna;"));
}

TEST(NormalizeSourceTest, StringLiteralsAreKeptVerbatim) {
  EXPECT_NE(normalize_source("s = \"a  b\";"), normalize_source("s = \"a b\";"));
  EXPECT_NE(normalize_source("s = \"// not a comment\";"), normalize_source("s = \"\";"));
  EXPECT_NE(normalize_source("s = \"/* x */\";"), normalize_source("s = \"\";"));
  EXPECT_NE(normalize_source("s = \"a\\\"  b\";"), normalize_source("s = \"a\\\" b\";"));
  // A raw string may hold a quote followed by what looks like a comment.
  EXPECT_NE(normalize_source("s = R\"x(a \" // b)x\";"),
            normalize_source("s = R\"x(a \" // c)x\";"));
  EXPECT_NE(normalize_source("c = ' ';"), normalize_source("c = '';"));
}

TEST(NormalizeSourceTest, CommentAfterALiteralIsStillAComment) {
  EXPECT_EQ(normalize_source("s = \"x\"; // note"), normalize_source("s = \"x\";"));
  EXPECT_EQ(normalize_source("c = '\"'; // note"), normalize_source("c = '\"';"));
  EXPECT_EQ(normalize_source("n = 1'000; // note"), normalize_source("n = 1'000;"));
}

TEST(NormalizeSourceTest, PreprocessorLinesKeepTheirEnd) {
  EXPECT_NE(normalize_source("#define X 1\nint y;"), normalize_source("#define X 1 int y;"));
  EXPECT_EQ(normalize_source("#define X 1   // one\nint y;"),
            normalize_source("#define X 1\nint y;"));
}

// ---- task declarations cut out of the file fingerprint ----

TEST(StripTaskDeclarationsTest, EditsInsideADeclarationDoNotChangeTheRest) {
  std::string before = "int helper() { return 1; }\n";
  std::string after = "\nint other() { return 2; }\n";
  auto declaration = [](std::string body) {
    return "const auto t = tf::task(\"t\").param(\"n\", 1).run(TASKFS_FN([](int n) { " + body +
           " }));";
  };
  EXPECT_EQ(strip_task_declarations(normalize_source(before + declaration("return n;") + after)),
            strip_task_declarations(
                normalize_source(before + declaration("int m = n; return m * 2;") + after)));
}

TEST(StripTaskDeclarationsTest, EditsOutsideDeclarationsChangeIt) {
  std::string decl = "const auto t = tf::task(\"t\").run(TASKFS_FN([]() { return 1; }));\n";
  EXPECT_NE(strip_task_declarations(normalize_source("int h() { return 1; }\n" + decl)),
            strip_task_declarations(normalize_source("int h() { return 2; }\n" + decl)));
  EXPECT_NE(strip_task_declarations(normalize_source(decl + "int h() { return 1; }\n")),
            strip_task_declarations(normalize_source(decl + "int h() { return 2; }\n")));
}

TEST(StripTaskDeclarationsTest, CutsEveryDeclarationWhateverTheNamespaceQualifier) {
  std::string text = normalize_source(
      "int keep1;\n"
      "auto a = taskfs::task(\"a\").run(TASKFS_FN([]() { int x = 1; return x; }));\n"
      "int keep2;\n"
      "auto b = tf::task(\"b;)\").input(a).run(TASKFS_FN([](int x) { return x + ')'; }));\n"
      "int keep3;\n");
  std::string stripped = strip_task_declarations(text);
  EXPECT_NE(stripped.find("keep1"), std::string::npos);
  EXPECT_NE(stripped.find("keep2"), std::string::npos);
  EXPECT_NE(stripped.find("keep3"), std::string::npos);
  EXPECT_EQ(stripped.find("TASKFS_FN"), std::string::npos) << stripped;
  EXPECT_EQ(stripped.find("return"), std::string::npos) << stripped;
}

// ---- code fingerprints ----

TEST(TaskFingerprintTest, FollowsTheFunctionTheFileAndTheVersion) {
  std::string base = task_fingerprint("[](int n) { return n * 2; }", "file1", "");
  EXPECT_EQ(task_fingerprint("[](int n) { return n * 2; }", "file1", ""), base);
  EXPECT_EQ(task_fingerprint("[](int n) {\n  return n*2;  // twice\n}", "file1", ""), base);
  EXPECT_NE(task_fingerprint("[](int n) { return n * 3; }", "file1", ""), base);
  EXPECT_NE(task_fingerprint("[](int n) { return n * 2; }", "file2", ""), base);
  EXPECT_NE(task_fingerprint("[](int n) { return n * 2; }", "file1", "2"), base);
}

// ---- cache keys ----

class CacheKeyTest : public ::testing::Test {
 protected:
  CacheKeyTest() {
    task_.name = "train";
    task_.fingerprint = "f00d";
    task_.params = {{"maxiter", Value{std::int64_t{10}}, 0, 100},
                    {"images", Value{Files("data/*.gz")}, 0, 0}};
    params_ = {Value{std::int64_t{10}}, Value{Files("data/*.gz")}};
  }

  // The key of task_ with params_ and the given upstream and file hashes.
  Hash128 key(const std::vector<NamedHash>& upstream, const std::vector<NamedHash>& files) {
    KeyInputs in;
    in.task = &task_;
    in.params = &params_;
    in.upstream = upstream;
    in.files = files;
    return cache_key(in);
  }
  Hash128 base_key() { return key(upstream_, files_); }

  TaskInfo task_;
  std::vector<Value> params_;
  std::vector<NamedHash> upstream_{{"fextract", hash_bytes("features")}};
  std::vector<NamedHash> files_{{"data/a.gz", hash_bytes("a")}, {"data/b.gz", hash_bytes("b")}};
};

TEST_F(CacheKeyTest, SameInputsGiveTheSameKey) { EXPECT_EQ(base_key(), base_key()); }

TEST_F(CacheKeyTest, ChangesWithAParamValue) {
  Hash128 before = base_key();
  params_[0] = Value{std::int64_t{11}};
  EXPECT_NE(base_key(), before);
}

TEST_F(CacheKeyTest, ChangesWithAParamType) {
  Hash128 before = base_key();
  params_[0] = Value{10.0};
  EXPECT_NE(base_key(), before);
}

TEST_F(CacheKeyTest, ChangesWithAnUpstreamContentHash) {
  Hash128 before = base_key();
  upstream_[0].hash = hash_bytes("other features");
  EXPECT_NE(base_key(), before);
}

TEST_F(CacheKeyTest, ChangesWithAFileContentHash) {
  Hash128 before = base_key();
  files_[1].hash = hash_bytes("b, edited");
  EXPECT_NE(base_key(), before);
}

TEST_F(CacheKeyTest, ChangesWithTheSetOfFiles) {
  Hash128 before = base_key();
  files_.push_back({"data/c.gz", hash_bytes("c")});
  EXPECT_NE(base_key(), before);
  files_.pop_back();
  files_[1].name = "data/renamed.gz";
  EXPECT_NE(base_key(), before);
}

TEST_F(CacheKeyTest, ChangesWithTheCodeFingerprint) {
  Hash128 before = base_key();
  task_.fingerprint = "beef";
  EXPECT_NE(base_key(), before);
}

TEST_F(CacheKeyTest, ChangesWithTheTaskName) {
  Hash128 before = base_key();
  task_.name = "train2";
  EXPECT_NE(base_key(), before);
}

TEST_F(CacheKeyTest, IgnoresWhereTheTaskIsDeclaredAndHowItIsShown) {
  Hash128 before = base_key();
  task_.source_file = "moved.cpp";
  task_.source_line = 99;
  task_.output_type = "Model";
  task_.params[0].int_min = -5;
  EXPECT_EQ(base_key(), before);
}

// ---- input file digests ----

class FileDigestsTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  FileDigests digests_{dir_.path()};
};

TEST_F(FileDigestsTest, UnchangedFileKeepsItsDigest) {
  test::write_file(dir_ / "data/a.txt", "alpha");
  Hash128 first = digests_.digest("data/a.txt").hash;
  EXPECT_EQ(digests_.digest("data/a.txt").hash, first);
  EXPECT_EQ(first, hash_bytes("alpha"));
}

TEST_F(FileDigestsTest, KnownOnlyNeverReadsAFileButAnswersFromTheStatCache) {
  test::write_file(dir_ / "a.txt", "alpha");
  EXPECT_EQ(digests_.look("a.txt", false, false, Reading::KnownOnly).kind,
            InputLook::Kind::NotHashedYet);
  Hash128 hashed = digests_.digest("a.txt").hash;
  InputLook known = digests_.look("a.txt", false, false, Reading::KnownOnly);
  EXPECT_EQ(known.kind, InputLook::Kind::Hashed);
  EXPECT_EQ(known.digest.hash, hashed);
  test::write_file(dir_ / "a.txt", "alpha, edited");
  EXPECT_EQ(digests_.look("a.txt", false, false, Reading::KnownOnly).kind,
            InputLook::Kind::NotHashedYet);
}

TEST_F(FileDigestsTest, ADirectoryAGlobMatchesIsNotAnInputFile) {
  test::write_file(dir_ / "data/a.txt", "alpha");
  std::filesystem::create_directories(dir_ / "data/sub.txt");
  EXPECT_EQ(digests_.expand("data/*.txt"),
            (std::vector<std::string>{"data/a.txt", "data/sub.txt"}));
  EXPECT_FALSE(digests_.digest_unless_directory("data/sub.txt").has_value());
  EXPECT_EQ(digests_.digest_unless_directory("data/a.txt")->hash, hash_bytes("alpha"));
  EXPECT_THROW(digests_.digest("data/sub.txt"), std::runtime_error);
}

TEST_F(FileDigestsTest, GlobSeesAFileAddedToItsDirectory) {
  test::write_file(dir_ / "data/a.txt", "alpha");
  ASSERT_EQ(digests_.expand("data/*.txt").size(), 1u);
  test::write_file(dir_ / "data/b.txt", "beta");
  EXPECT_EQ(digests_.expand("data/*.txt"), (std::vector<std::string>{"data/a.txt", "data/b.txt"}));
}

TEST_F(FileDigestsTest, ContentChangeGivesANewDigest) {
  test::write_file(dir_ / "a.txt", "alpha");
  Hash128 first = digests_.digest("a.txt").hash;
  test::write_file(dir_ / "a.txt", "alpha, edited");
  EXPECT_NE(digests_.digest("a.txt").hash, first);
  EXPECT_EQ(digests_.digest("a.txt").hash, hash_bytes("alpha, edited"));
}

TEST_F(FileDigestsTest, SameSizeContentChangeRightAfterHashingGivesANewDigest) {
  test::write_file(dir_ / "a.txt", "aaaa");
  Hash128 first = digests_.digest("a.txt").hash;
  test::write_file(dir_ / "a.txt", "bbbb");  // same inode and size, same timestamp tick
  EXPECT_NE(digests_.digest("a.txt").hash, first);
}

TEST_F(FileDigestsTest, ReplacedFileGivesANewDigest) {
  test::write_file(dir_ / "a.txt", "aaaa");
  Hash128 first = digests_.digest("a.txt").hash;
  test::write_file(dir_ / "a.txt.new", "bbbb");
  std::filesystem::rename(dir_ / "a.txt.new", dir_ / "a.txt");
  EXPECT_NE(digests_.digest("a.txt").hash, first);
}

TEST_F(FileDigestsTest, AbsoluteAndRelativePathsNameTheSameFile) {
  test::write_file(dir_ / "a.txt", "alpha");
  EXPECT_EQ(digests_.digest((dir_ / "a.txt").string()).hash, digests_.digest("a.txt").hash);
}

TEST_F(FileDigestsTest, MissingFileThrowsNamingIt) {
  try {
    digests_.digest("nope.txt");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("nope.txt"), std::string::npos) << e.what();
  }
}

TEST_F(FileDigestsTest, GlobExpandsSortedAndSpelledLikeThePattern) {
  for (const char* name : {"b.txt", "a2.txt", "C.txt", "a.txt", "skip.bin"}) {
    test::write_file(dir_ / "data" / name, name);
  }
  std::vector<std::string> relative{"data/C.txt", "data/a.txt", "data/a2.txt", "data/b.txt"};
  EXPECT_EQ(digests_.expand("data/*.txt"), relative);
  std::vector<std::string> absolute;
  for (const auto& p : relative) absolute.push_back((dir_ / p).string());
  EXPECT_EQ(digests_.expand((dir_ / "data/*.txt").string()), absolute);
}

TEST_F(FileDigestsTest, GlobMatchingNothingIsEmpty) {
  EXPECT_TRUE(digests_.expand("data/*.none").empty());
}

}  // namespace
}  // namespace taskfs
