// The path grammar (SPEC section 2, "Paths"): percent coding, values by type,
// and the variant grammar with its canonical spelling.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <limits>

#include "spec/percent.hpp"
#include "spec/value_text.hpp"
#include "spec/variant.hpp"

namespace taskfs::spec {
namespace {

constexpr std::int64_t kIntMin = std::numeric_limits<int>::min();
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

// The errno a PathError from `f` carries, or 0 when `f` does not throw one.
template <class F>
int path_errno(F f) {
  try {
    f();
  } catch (const PathError& e) {
    return e.error_number();
  }
  return 0;
}

// ---- percent coding ----

TEST(PercentTest, EncodesReservedBytesSpaceAndNonAscii) {
  EXPECT_EQ(percent_encode("/,:=%"), "%2F%2C%3A%3D%25");
  EXPECT_EQ(percent_encode("a b"), "a%20b");
  EXPECT_EQ(percent_encode("\xc3\xa9\x01\x7f"), "%C3%A9%01%7F");
}

TEST(PercentTest, LeavesPlainPrintableAsciiAlone) {
  EXPECT_EQ(percent_encode("data/*.gz"), "data%2F*.gz");
  EXPECT_EQ(percent_encode("abcXYZ019-_.~*?[]"), "abcXYZ019-_.~*?[]");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(PercentTest, DecodeInvertsEncodeForEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_EQ(percent_decode(percent_encode(all)), all);
}

TEST(PercentTest, DecodeAcceptsBothHexCases) {
  EXPECT_EQ(percent_decode("%2f%2F"), "//");
  EXPECT_EQ(percent_decode("%c3%A9"), "\xc3\xa9");
}

TEST(PercentTest, DecodeRejectsMalformedEscapes) {
  for (const char* bad : {"%", "%4", "a%", "%G1", "%1G", "%zz", "abc%2"}) {
    EXPECT_EQ(percent_decode(bad), std::nullopt) << bad;
  }
}

// Collections (SPEC 6): an element's file name is its name percent-encoded.
TEST(ElementNameTest, EveryNameRoundTripsThroughAFileNameOfItsOwn) {
  for (std::string name : {"plain", "a/b c", "100%", "caf\u00e9", ".", "..", "x.y", "k:v,w=1"}) {
    std::string file = element_file_name(name);
    EXPECT_EQ(file.find('/'), std::string::npos) << name;
    EXPECT_NE(file, ".");
    EXPECT_NE(file, "..");
    EXPECT_EQ(element_name(file), name);
  }
  EXPECT_EQ(element_file_name("a/b c"), "a%2Fb%20c");
  EXPECT_EQ(element_file_name(".."), "%2E%2E");
  EXPECT_EQ(element_name("caf%c3%a9"), "caf\u00e9");
  EXPECT_FALSE(element_name("%zz"));
  EXPECT_FALSE(element_name(""));
}

TEST(ElementNameTest, AThirdPartOfAPathNamesAnElement) {
  ElementPath p = split_element_path("squares/n:3/a%2Fb/");
  EXPECT_EQ(p.result.task, "squares");
  EXPECT_EQ(p.result.variant, "n:3");
  EXPECT_EQ(p.element, "a%2Fb");
  EXPECT_EQ(split_element_path("squares/n:3").element, "");
  EXPECT_EQ(split_element_path("squares").result.variant, kDefaultVariant);
}

// ---- values by type ----

TEST(ValueTextTest, ParsesBoolSpellings) {
  EXPECT_EQ(parse_value(ParamType::Bool, "true", 0, 0).value, Value{true});
  EXPECT_EQ(parse_value(ParamType::Bool, "1", 0, 0).value, Value{true});
  EXPECT_EQ(parse_value(ParamType::Bool, "false", 0, 0).value, Value{false});
  EXPECT_EQ(parse_value(ParamType::Bool, "0", 0, 0).value, Value{false});
  for (const char* bad : {"", "yes", "TRUE", "2", "true "}) {
    EXPECT_FALSE(parse_value(ParamType::Bool, bad, 0, 0).error.empty()) << bad;
  }
}

TEST(ValueTextTest, ParsesIntegersWithinTheParamRange) {
  EXPECT_EQ(parse_value(ParamType::Int, "42", kIntMin, kIntMax).value, Value{std::int64_t{42}});
  EXPECT_EQ(parse_value(ParamType::Int, "-7", kIntMin, kIntMax).value, Value{std::int64_t{-7}});
  EXPECT_EQ(parse_value(ParamType::Int, "2147483647", kIntMin, kIntMax).value,
            Value{std::int64_t{kIntMax}});
  EXPECT_FALSE(parse_value(ParamType::Int, "2147483648", kIntMin, kIntMax).error.empty());
  EXPECT_FALSE(parse_value(ParamType::Int, "-1", 0, 255).error.empty());
  EXPECT_FALSE(parse_value(ParamType::Int, "256", 0, 255).error.empty());
  EXPECT_TRUE(parse_value(ParamType::Int, "255", 0, 255).error.empty());
}

TEST(ValueTextTest, ParsesUnsigned64BitIntegersOverTheirWholeRange) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(parse_value(ParamType::UInt, "18446744073709551615", 0, kMax).value, Value{kMax});
  EXPECT_EQ(parse_value(ParamType::UInt, "9223372036854775808", 0, kMax).value,
            Value{std::uint64_t{1} << 63});
  EXPECT_EQ(parse_value(ParamType::UInt, "-0", 0, kMax).value, Value{std::uint64_t{0}});
  EXPECT_EQ(format_value(Value{kMax}), "18446744073709551615");
  for (const char* out_of_range : {"18446744073709551616", "-1"}) {
    auto parsed = parse_value(ParamType::UInt, out_of_range, 0, kMax);
    EXPECT_NE(parsed.error.find("out of range"), std::string::npos) << parsed.error;
  }
  for (const char* bad : {"", "--1", "+1", "1.0", "x"}) {
    EXPECT_NE(parse_value(ParamType::UInt, bad, 0, kMax).error.find("expected an integer"),
              std::string::npos)
        << bad;
  }
  EXPECT_FALSE(parse_value(ParamType::UInt, "256", 0, 255).error.empty());
}

TEST(ValueTextTest, RejectsIntegersThatAreNotPlainDecimal) {
  for (const char* bad :
       {"", "1.5", "1e3", "0x10", "+3", " 3", "3 ", "abc", "99999999999999999999"}) {
    EXPECT_FALSE(parse_value(ParamType::Int, bad, kIntMin, kIntMax).error.empty()) << bad;
  }
}

TEST(ValueTextTest, ParsesFiniteDoubles) {
  EXPECT_EQ(parse_value(ParamType::Double, "0.01", 0, 0).value, Value{0.01});
  EXPECT_EQ(parse_value(ParamType::Double, "1e-2", 0, 0).value, Value{0.01});
  EXPECT_EQ(parse_value(ParamType::Double, "-3", 0, 0).value, Value{-3.0});
  for (const char* bad : {"", "nan", "inf", "-inf", "1e999", "1,5", "0.1x", "x"}) {
    EXPECT_FALSE(parse_value(ParamType::Double, bad, 0, 0).error.empty()) << bad;
  }
}

TEST(ValueTextTest, NegativeZeroIsTheSameValueAsZero) {
  EXPECT_EQ(format_value(parse_value(ParamType::Double, "-0", 0, 0).value), "0");
  EXPECT_EQ(parse_value(ParamType::Double, "-0.0", 0, 0).value,
            parse_value(ParamType::Double, "0", 0, 0).value);
}

TEST(ValueTextTest, ParsesStringsAndPathsVerbatim) {
  EXPECT_EQ(parse_value(ParamType::String, "a b/c", 0, 0).value, Value{std::string("a b/c")});
  EXPECT_TRUE(parse_value(ParamType::String, "", 0, 0).error.empty());
  EXPECT_EQ(parse_value(ParamType::Files, "/tmp/x/*.txt", 0, 0).value,
            Value{Files("/tmp/x/*.txt")});
  EXPECT_EQ(parse_value(ParamType::File, "data/in.txt", 0, 0).value, Value{File("data/in.txt")});
}

TEST(ValueTextTest, RejectsEmptyGlobsAndFilePaths) {
  EXPECT_FALSE(parse_value(ParamType::Files, "", 0, 0).error.empty());
  EXPECT_FALSE(parse_value(ParamType::File, "", 0, 0).error.empty());
}

TEST(ValueTextTest, FormatsEveryTypeCanonically) {
  EXPECT_EQ(format_value(Value{true}), "true");
  EXPECT_EQ(format_value(Value{false}), "false");
  EXPECT_EQ(format_value(Value{std::int64_t{-12}}), "-12");
  EXPECT_EQ(format_value(Value{0.01}), "0.01");
  EXPECT_EQ(format_value(Value{1e-4}), "1e-04");  // the shortest spelling
  EXPECT_EQ(format_value(Value{2.0}), "2");
  EXPECT_EQ(format_value(Value{0.1 + 0.2}), "0.30000000000000004");
  EXPECT_EQ(format_value(Value{std::string("x,y")}), "x,y");  // coding is the path's job
  EXPECT_EQ(format_value(Value{Files("data/*.gz", {"data/a.gz"})}), "data/*.gz");
  EXPECT_EQ(format_value(Value{File("in.txt")}), "in.txt");
}

TEST(ValueTextTest, EverySpellingOfADoubleFormatsTheSame) {
  for (const char* spelling : {"0.01", "1e-2", "1E-2", "0.010", "10e-3", ".01"}) {
    auto parsed = parse_value(ParamType::Double, spelling, 0, 0);
    ASSERT_TRUE(parsed.error.empty()) << spelling << ": " << parsed.error;
    EXPECT_EQ(format_value(parsed.value), "0.01") << spelling;
  }
}

TEST(ValueTextTest, FormattedValuesParseBackToThemselves) {
  for (Value v : {Value{true}, Value{std::int64_t{-5}}, Value{3.25}, Value{1e300}, Value{5e-324},
                  Value{std::string("s")}}) {
    auto back = parse_value(type_of(v), format_value(v), kIntMin, kIntMax);
    EXPECT_EQ(back.value, v) << format_value(v);
  }
}

TEST(ValueTextTest, NamesTypesAsUsersReadThem) {
  EXPECT_EQ(type_name(ParamType::Bool), "bool");
  EXPECT_EQ(type_name(ParamType::Int), "int");
  EXPECT_EQ(type_name(ParamType::UInt), "uint");
  EXPECT_EQ(type_name(ParamType::Double), "double");
  EXPECT_EQ(type_name(ParamType::String), "string");
  EXPECT_EQ(type_name(ParamType::Files), "files");
  EXPECT_EQ(type_name(ParamType::File), "file");
}

// ---- the variant grammar ----

// The overrides of a variant as "task=param:value" strings, for comparing.
std::vector<std::string> parsed(std::string_view own_task, std::string_view variant) {
  std::vector<std::string> out;
  for (const auto& o : parse_variant(own_task, variant)) {
    out.push_back(o.task + "=" + o.param + ":" + o.value);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(ParseVariantTest, DefaultHasNoOverrides) {
  EXPECT_TRUE(parse_variant("train", "default").empty());
}

TEST(ParseVariantTest, OverridesWithoutTaskApplyToTheOwnTask) {
  EXPECT_EQ(parsed("train", "maxiter:5,eps:0.01"), (Strings{"train=maxiter:5", "train=eps:0.01"}));
}

TEST(ParseVariantTest, TaskPrefixSwitchesTheGroupUntilTheNextPrefix) {
  EXPECT_EQ(
      parsed("results", "train=maxiter:5,eps:0.01,preproc=normalize:true,size:3"),
      (Strings{"train=maxiter:5", "train=eps:0.01", "preproc=normalize:true", "preproc=size:3"}));
}

TEST(ParseVariantTest, OwnTaskCanBeNamedExplicitly) {
  EXPECT_EQ(parsed("a", "x:1,b=y:2,a=z:3"), (Strings{"a=x:1", "b=y:2", "a=z:3"}));
}

TEST(ParseVariantTest, ValuesArePercentDecoded) {
  EXPECT_EQ(parsed("t", "files:%2Ftmp%2Fd%2F*.txt,s:a%2Cb%3Ac%3Dd%25"),
            (Strings{"t=files:/tmp/d/*.txt", "t=s:a,b:c=d%"}));
}

TEST(ParseVariantTest, EmptyValueIsAllowedByTheGrammar) {
  EXPECT_EQ(parsed("t", "s:"), Strings{"t=s:"});
}

TEST(ParseVariantTest, MalformedVariantsAreNotFound) {
  for (const char* bad : {"", "maxiter", "maxiter:5,", ",maxiter:5", "a:1,,b:2", ":5", "=x:1",
                          "train=:5", "train=maxiter"}) {
    EXPECT_EQ(path_errno([&] { parse_variant("t", bad); }), ENOENT) << bad;
  }
}

TEST(ParseVariantTest, BadPercentEscapeIsAnInvalidValue) {
  EXPECT_EQ(path_errno([] { parse_variant("t", "x:%zz"); }), EINVAL);
  EXPECT_EQ(path_errno([] { parse_variant("t", "x:1%"); }), EINVAL);
}

// ---- the canonical spelling ----

TEST(FormatVariantTest, NoOverridesIsDefault) {
  EXPECT_EQ(format_variant("t", {}), "default");
  EXPECT_EQ(format_variant("t", {{"t", {}}}), "default");
}

TEST(FormatVariantTest, OwnParamsFirstUnprefixedThenOtherTasksSorted) {
  OverrideMap overrides{{"zeta", {{"b", "2"}, {"a", "1"}}},
                        {"results", {{"top", "3"}, {"mode", "x"}}},
                        {"alpha", {{"k", "true"}}}};
  EXPECT_EQ(format_variant("results", overrides), "mode:x,top:3,alpha=k:true,zeta=a:1,b:2");
}

TEST(FormatVariantTest, ValuesArePercentEncoded) {
  OverrideMap overrides{{"t", {{"files", "/d/*.txt"}, {"s", "a,b"}}}};
  EXPECT_EQ(format_variant("t", overrides), "files:%2Fd%2F*.txt,s:a%2Cb");
}

TEST(FormatVariantTest, CanonicalSpellingParsesBackToTheSameOverrides) {
  OverrideMap overrides{{"own", {{"p", "v:1"}}}, {"up", {{"q", "/x"}, {"r", "y z"}}}};
  OverrideMap back;
  for (const auto& o : parse_variant("own", format_variant("own", overrides))) {
    back[o.task][o.param] = o.value;
  }
  EXPECT_EQ(back, overrides);
}

TEST(NaturalOrderTest, DigitRunsCompareAsNumbers) {
  EXPECT_TRUE(spec::natural_less("k:5", "k:20"));
  EXPECT_FALSE(spec::natural_less("k:20", "k:5"));
  EXPECT_TRUE(spec::natural_less("k:5,x:1", "k:5,x:10"));
  EXPECT_TRUE(spec::natural_less("a:1", "b:0"));
  EXPECT_TRUE(spec::natural_less("k:5", "k:5,x:1"));
  EXPECT_FALSE(spec::natural_less("k:05", "k:5"));
  EXPECT_FALSE(spec::natural_less("k:5", "k:5"));
}

}  // namespace
}  // namespace taskfs::spec
