// Collections (SPEC section 6): tf::List<T> (elements named 0, 1, 2, ...) and
// tf::Dict<T> (elements named by a string key), stored element by element.
//
// As a task's result, a collection is produced by appending: in a worker each
// append goes to the store as it comes (in batches), so a list larger than
// the worker's memory can be produced. Downstream, a collection argument is a
// lazy view: size(), names(), at(i), at(name) and iteration read elements
// from the store one at a time, never the whole collection.
// Copies of a collection share its elements.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "taskfs/detail/render.hpp"
#include "taskfs/detail/serial.hpp"
#include "taskfs/detail/task_def.hpp"

namespace taskfs {
namespace detail {

// Elements held in memory: a collection made outside a worker (a unit test,
// say) is its own sink and source.
class MemoryElements final : public ElementSink, public ElementSource {
 public:
  void append(std::string name, std::string value, RenderedView) override {
    if (!index_.try_emplace(name, names_.size()).second) {
      throw std::invalid_argument("tf::Dict: key '" + name + "' inserted twice");
    }
    names_.push_back(std::move(name));
    values_.push_back(std::move(value));
  }
  std::uint64_t size() const override { return names_.size(); }
  std::string name(std::uint64_t index) const override { return names_.at(index); }
  std::string value(std::uint64_t index) const override { return values_.at(index); }
  std::optional<std::uint64_t> index_of(std::string_view name) const override {
    auto it = index_.find(std::string(name));
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::string> values_;
  std::unordered_map<std::string, std::uint64_t> index_;
};

// What List<T> and Dict<T> share: appending while produced, reading while
// consumed. `Element` is what iteration yields.
template <class T>
class CollectionBase {
 public:
  using value_type = T;

  // A new, empty collection to append to: in a worker its elements go to the
  // store, elsewhere to memory.
  CollectionBase() {
    if (const auto& open = registry().collections.open_sink) {
      sink_ = open();
    } else {
      auto memory = std::make_shared<MemoryElements>();
      sink_ = memory;
      source_ = memory;
    }
  }

  // How many elements it has.
  std::uint64_t size() const { return source_ ? source_->size() : appended_; }
  bool empty() const { return size() == 0; }
  // The name of element `index`: its index for a List, its key for a Dict.
  std::string name(std::uint64_t index) const { return source().name(check(index)); }
  // Every element's name, in order (names only: no element is read).
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (std::uint64_t i = 0; i < size(); ++i) out.push_back(source().name(i));
    return out;
  }
  // Element `index`, read from the store now. Throws std::out_of_range.
  T at(std::uint64_t index) const { return deserialize<T>(source().value(check(index))); }
  // The element named `name`. Throws std::out_of_range when there is none.
  T at(std::string_view name) const {
    std::optional<std::uint64_t> index = source().index_of(name);
    if (!index) throw std::out_of_range("no element named '" + std::string(name) + "'");
    return at(*index);
  }
  // Whether an element is named `name`.
  bool contains(std::string_view name) const { return source().index_of(name).has_value(); }

  // For the task runner: where the produced elements went (null for a view).
  const std::shared_ptr<ElementSink>& sink() const { return sink_; }

 protected:
  // A view over stored elements (a collection argument of a task).
  explicit CollectionBase(std::shared_ptr<const ElementSource> source)
      : source_(std::move(source)) {}

  void append(std::string name, const T& value) {
    if (!sink_) throw std::logic_error("taskfs: a collection argument is read-only");
    sink_->append(std::move(name), serialize<T>(value), render_value(value));
    ++appended_;
  }

 private:
  const ElementSource& source() const {
    if (!source_) {
      throw std::logic_error(
          "taskfs: a collection being produced in a worker can be appended to, not read back");
    }
    return *source_;
  }
  std::uint64_t check(std::uint64_t index) const {
    if (index >= size()) {
      throw std::out_of_range("element " + std::to_string(index) + " of a collection of " +
                              std::to_string(size()));
    }
    return index;
  }

  std::shared_ptr<ElementSink> sink_;
  std::shared_ptr<const ElementSource> source_;
  std::uint64_t appended_ = 0;
};

// Iterates a collection, reading one element per step (nothing is kept).
template <class C>
class ElementCursor {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = typename C::element_type;
  using difference_type = std::ptrdiff_t;

  ElementCursor() = default;
  ElementCursor(const C* collection, std::uint64_t index)
      : collection_(collection), index_(index) {}
  value_type operator*() const { return collection_->element(index_); }
  ElementCursor& operator++() {
    ++index_;
    return *this;
  }
  ElementCursor operator++(int) {
    ElementCursor before = *this;
    ++index_;
    return before;
  }
  bool operator==(const ElementCursor& other) const { return index_ == other.index_; }

 private:
  const C* collection_ = nullptr;
  std::uint64_t index_ = 0;
};

}  // namespace detail

// A list whose elements are named by their index: 0, 1, 2, ...
template <class T>
class List : public detail::CollectionBase<T> {
 public:
  using element_type = T;
  using iterator = detail::ElementCursor<List>;

  List() = default;
  // For the task runner: a view over stored elements.
  static List view(std::shared_ptr<const detail::ElementSource> source) {
    return List(std::move(source));
  }

  // Appends an element (in a worker: towards the store, at once or in a batch).
  void push_back(const T& value) { this->append(std::to_string(this->size()), value); }

  T element(std::uint64_t index) const { return this->at(index); }
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, this->size()}; }

 private:
  explicit List(std::shared_ptr<const detail::ElementSource> source)
      : detail::CollectionBase<T>(std::move(source)) {}
};

// A collection whose elements are named by string keys, in insertion order.
template <class T>
class Dict : public detail::CollectionBase<T> {
 public:
  using element_type = std::pair<std::string, T>;
  using iterator = detail::ElementCursor<Dict>;

  Dict() = default;
  // For the task runner: a view over stored elements.
  static Dict view(std::shared_ptr<const detail::ElementSource> source) {
    return Dict(std::move(source));
  }

  // Adds the element named `key` (non-empty; each key once, or the task fails).
  void insert(std::string key, const T& value) {
    if (key.empty()) throw std::invalid_argument("tf::Dict: a key must not be empty");
    this->append(std::move(key), value);
  }

  element_type element(std::uint64_t index) const { return {this->name(index), this->at(index)}; }
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, this->size()}; }

 private:
  explicit Dict(std::shared_ptr<const detail::ElementSource> source)
      : detail::CollectionBase<T>(std::move(source)) {}
};

namespace detail {

// Whether T is tf::List<...> or tf::Dict<...>.
template <class T>
inline constexpr bool is_collection = false;
template <class T>
inline constexpr bool is_collection<List<T>> = true;
template <class T>
inline constexpr bool is_collection<Dict<T>> = true;

// A collection argument from its stored value: a view over its elements.
template <class C>
C collection_view(std::string_view stored_value) {
  const auto& open = registry().collections.open_source;
  if (!open) throw std::logic_error("taskfs: collection arguments are read in a taskfs worker");
  return C::view(open(stored_value));
}

}  // namespace detail
}  // namespace taskfs
