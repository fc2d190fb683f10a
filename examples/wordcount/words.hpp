// Counting words: a word is a maximal run of ASCII letters, as with
// `tr -cs 'A-Za-z' '\n'`, so that the results can be checked with Unix tools.
#pragma once

#include <algorithm>
#include <cereal/types/map.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// How often each word occurs.
struct WordCounts {
  std::map<std::string, std::int64_t> counts;

  template <class A>
  void serialize(A& a) {
    a(CEREAL_NVP(counts));
  }
};

// A file of "word count" lines in word order, for grep and sort.
inline void taskfs_render(std::ostream& os, const WordCounts& words) {
  for (const auto& [word, count] : words.counts) os << word << ' ' << count << '\n';
}

inline bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

inline void count_words_in(const std::string& text, bool lowercase, WordCounts& words) {
  for (auto at = text.begin(); at != text.end();) {
    auto end = std::find_if_not(at, text.end(), is_letter);
    if (end != at) {
      std::string word(at, end);
      if (lowercase) {
        for (char& c : word) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
      }
      ++words.counts[word];
      at = end;
    } else {
      ++at;
    }
  }
}

inline WordCounts count_words(const std::vector<std::string>& paths, bool lowercase) {
  WordCounts words;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open");
    count_words_in(std::string(std::istreambuf_iterator<char>(in), {}), lowercase, words);
  }
  return words;
}

// The k most frequent words as "word count" lines, most frequent first, ties
// in word order (as `sort | uniq -c | sort -k1,1nr -k2,2` puts them).
inline std::vector<std::string> top_words(const WordCounts& words, int k) {
  std::vector<std::pair<std::string, std::int64_t>> ranked(words.counts.begin(),
                                                           words.counts.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  ranked.resize(std::min(ranked.size(), static_cast<std::size_t>(std::max(k, 0))));
  std::vector<std::string> lines;
  for (const auto& [word, count] : ranked) lines.push_back(word + ' ' + std::to_string(count));
  return lines;
}

inline std::int64_t total_words(const WordCounts& words) {
  std::int64_t total = 0;
  for (const auto& [word, count] : words.counts) total += count;
  return total;
}

// How many words there are, how many differ, and the longest (the first in
// word order among equals): one JSON object in the mount.
struct Summary {
  std::int64_t words = 0;
  std::int64_t distinct = 0;
  std::string longest;

  template <class A>
  void serialize(A& a) {
    a(CEREAL_NVP(words), CEREAL_NVP(distinct), CEREAL_NVP(longest));
  }
};

inline Summary summarize(const WordCounts& words) {
  Summary s{total_words(words), static_cast<std::int64_t>(words.counts.size()), ""};
  for (const auto& [word, count] : words.counts) {
    if (word.size() > s.longest.size()) s.longest = word;
  }
  return s;
}

// Element i: how many words have i + 1 letters, up to the longest word; one
// number a line in the mount, for numpy.loadtxt.
inline std::vector<std::int64_t> length_histogram(const WordCounts& words) {
  std::vector<std::int64_t> histogram;
  for (const auto& [word, count] : words.counts) {
    if (histogram.size() < word.size()) histogram.resize(word.size());
    histogram[word.size() - 1] += count;
  }
  return histogram;
}
