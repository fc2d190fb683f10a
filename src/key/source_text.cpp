#include "key/source_text.hpp"

#include <cctype>

namespace taskfs {
namespace {

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Copies the quoted literal that starts at s[i] (the quote) and returns the
// index past its end. Raw strings R"d(...)d" are copied whole.
std::size_t copy_literal(std::string_view s, std::size_t i, std::string& out) {
  if (s[i] == '"' && i > 0 && s[i - 1] == 'R') {
    std::size_t open = s.find('(', i);
    if (open != std::string_view::npos) {
      std::string close = ")" + std::string(s.substr(i + 1, open - i - 1)) + "\"";
      std::size_t end = s.find(close, open);
      end = end == std::string_view::npos ? s.size() : end + close.size();
      out.append(s.substr(i, end - i));
      return end;
    }
  }
  char quote = s[i];
  std::size_t j = i + 1;
  while (j < s.size() && s[j] != quote) j += s[j] == '\\' ? 2 : 1;
  j = j < s.size() ? j + 1 : s.size();
  out.append(s.substr(i, j - i));
  return j;
}

bool is_digit_separator(std::string_view s, std::size_t i, const std::string& out) {
  return s[i] == '\'' && !out.empty() && std::isxdigit(static_cast<unsigned char>(out.back())) &&
         i + 1 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1]));
}

}  // namespace

std::string normalize_source(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  bool line_start = true;     // nothing but whitespace so far on this line
  bool in_directive = false;  // a preprocessor line, whose newline matters
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '/' && i + 1 < s.size() && (s[i + 1] == '/' || s[i + 1] == '*')) {
      std::size_t end = s[i + 1] == '/' ? s.find('\n', i) : s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : (s[i + 1] == '/' ? end : end + 2);
      pending_space = true;
      continue;
    }
    if (c == '\n') {
      bool continued = i > 0 && s[i - 1] == '\\';
      if (in_directive && !continued) {
        out += '\n';
        in_directive = false;
        pending_space = false;
      } else {
        pending_space = true;
      }
      line_start = true;
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = true;
      ++i;
      continue;
    }
    if (line_start && c == '#') in_directive = true;
    line_start = false;
    if (pending_space && !out.empty() && is_word(out.back()) && is_word(c)) out += ' ';
    pending_space = false;
    if ((c == '"' || c == '\'') && !is_digit_separator(s, i, out)) {
      i = copy_literal(s, i, out);
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string strip_task_declarations(std::string_view normalized) {
  std::string out;
  std::size_t i = 0;
  for (std::size_t at = normalized.find("::task(", i); at != std::string_view::npos;
       at = normalized.find("::task(", i)) {
    out.append(normalized.substr(i, at - i));
    // Skip to the ';' that ends the declaration, outside brackets and literals.
    int depth = 0;
    std::size_t j = at;
    std::string literal;
    while (j < normalized.size()) {
      char c = normalized[j];
      if (c == '"' || c == '\'') {
        j = copy_literal(normalized, j, literal);
        continue;
      }
      if (c == '(' || c == '{' || c == '[') ++depth;
      if (c == ')' || c == '}' || c == ']') --depth;
      ++j;
      if (c == ';' && depth == 0) break;
    }
    i = j;
  }
  out.append(normalized.substr(i));
  return out;
}

}  // namespace taskfs
