#include "graph/type_name.hpp"

#include <cctype>
#include <optional>
#include <vector>

namespace taskfs {
namespace {

// A type as a tree: `head<args...>tail`, where tail is what follows the
// closing bracket (`::iterator`, ` const`, `*`).
struct TypeTree {
  std::string head;
  std::vector<TypeTree> args;
  bool templated = false;
  std::string tail;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The index of the '>' closing the '<' at `open`, or npos.
std::size_t closing_bracket(std::string_view s, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < s.size(); ++i) {
    if (s[i] == '<' || s[i] == '(') ++depth;
    if (s[i] == '>' || s[i] == ')') --depth;
    if (depth == 0) return s[i] == '>' ? i : std::string_view::npos;
  }
  return std::string_view::npos;
}

std::optional<TypeTree> parse(std::string_view s) {
  s = trim(s);
  TypeTree tree;
  std::size_t open = s.find('<');
  // `operator<` never appears in a type; a '(' before '<' is a function type.
  if (open == std::string_view::npos || s.substr(0, open).find('(') != std::string_view::npos) {
    tree.head = s;
    return tree;
  }
  std::size_t close = closing_bracket(s, open);
  if (close == std::string_view::npos) return std::nullopt;
  tree.head = trim(s.substr(0, open));
  tree.templated = true;
  std::string_view inside = s.substr(open + 1, close - open - 1);
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= inside.size(); ++i) {
    char c = i < inside.size() ? inside[i] : ',';
    if (c == '<' || c == '(') ++depth;
    if (c == '>' || c == ')') --depth;
    if (c != ',' || depth != 0) continue;
    auto arg = parse(inside.substr(start, i - start));
    if (!arg) return std::nullopt;
    if (!arg->head.empty() || arg->templated) tree.args.push_back(std::move(*arg));
    start = i + 1;
  }
  std::string_view rest = s.substr(close + 1);
  if (rest.find('<') != std::string_view::npos) return std::nullopt;  // a<..>::b<..>: keep as is
  tree.tail = rest;
  return tree;
}

// Drops the library's inline namespaces: std::__cxx11::list -> std::list.
std::string without_inline_namespaces(std::string name) {
  for (std::string_view ns : {"__cxx11::", "__1::"}) {
    for (std::size_t at; (at = name.find(ns)) != std::string::npos;) name.erase(at, ns.size());
  }
  return name;
}

// Template arguments the standard library fills in by default.
bool is_default_argument(const TypeTree& arg) {
  static constexpr std::string_view kDefaults[] = {"std::allocator", "std::char_traits",
                                                   "std::less",      "std::hash",
                                                   "std::equal_to",  "std::default_delete"};
  for (std::string_view d : kDefaults) {
    if (arg.templated && arg.head == d) return true;
  }
  return false;
}

// `10ul` -> `10`: an integer template argument as written.
std::string without_literal_suffix(std::string s) {
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) return s;
  while (!s.empty() && (s.back() == 'u' || s.back() == 'l')) s.pop_back();
  return s;
}

std::string render(TypeTree tree) {
  tree.head = without_inline_namespaces(std::move(tree.head));
  if (!tree.templated) return without_literal_suffix(tree.head);
  if (tree.head.starts_with("std::")) {
    while (!tree.args.empty() && is_default_argument(tree.args.back())) tree.args.pop_back();
  }
  std::vector<std::string> args;
  for (auto& a : tree.args) args.push_back(render(std::move(a)));
  if (args.size() == 1 &&
      (tree.head == "std::basic_string" || tree.head == "std::basic_string_view")) {
    static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
        {"char", ""},
        {"wchar_t", "w"},
        {"char8_t", "u8"},
        {"char16_t", "u16"},
        {"char32_t", "u32"}};
    for (auto [character, prefix] : kAliases) {
      if (args[0] == character) {
        std::string kind = tree.head == "std::basic_string" ? "string" : "string_view";
        return "std::" + std::string(prefix) + kind + tree.tail;
      }
    }
  }
  std::string out = tree.head + "<";
  for (std::size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i];
  return out + ">" + tree.tail;
}

}  // namespace

std::string readable_type_name(std::string_view demangled) {
  auto tree = parse(demangled);
  return tree ? render(std::move(*tree)) : std::string(demangled);
}

}  // namespace taskfs
