// The taskfs authoring API: declare tasks at namespace scope, each a C++ function
// over upstream task results and typed params.
//
//   const auto train = tf::task("train")
//       .input(fextract_train)
//       .param("maxiter", 10)
//       .run(TASKFS_FN([](const Features& f, int maxiter) { return fit(f, maxiter); }));
//
// Build the source files with taskfs_add_tasks() (CMake) to get a task library.
#pragma once

#include <cxxabi.h>

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <source_location>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "taskfs/collection.hpp"
#include "taskfs/detail/render.hpp"
#include "taskfs/detail/serial.hpp"
#include "taskfs/detail/task_def.hpp"
#include "taskfs/value.hpp"

// The fingerprint of this source file without its task declarations, generated
// at build time by taskfs_add_tasks (see SPEC section 4).
#ifndef TASKFS_SOURCE_FINGERPRINT
#define TASKFS_SOURCE_FINGERPRINT ""
#endif

// Wraps a task's function so that its source text becomes part of the task's
// code fingerprint: editing the function re-runs this task and its dependents.
#define TASKFS_FN(...) \
  ::taskfs::detail::SourcedFn { (__VA_ARGS__), #__VA_ARGS__, TASKFS_SOURCE_FINGERPRINT }

namespace taskfs {

// A declared task whose function returns R; pass it to .input() of a dependent.
template <class R>
struct Task : detail::TaskHandleBase {
  using result_type = R;
};

namespace detail {

// A function together with the text it was written as.
template <class F>
struct SourcedFn {
  F fn;
  const char* text;
  const char* source_fingerprint;
};

// The function's arguments, one slot each, as the builder's type records
// them: an upstream result of type T, or a param of C++ type T.
template <class T>
struct InputSlot {
  using type = T;
};
template <class T>
struct ParamSlot {
  using type = T;
};
// Many upstream results of one type, passed as one std::vector argument.
template <class T>
struct InputsSlot {
  using type = std::vector<T>;
  using element = T;
};
// The element of an .each task, its function's first argument: an element
// of an upstream collection (whose stored bytes the worker passes as the
// first upstream value), or a file of a glob (passed as the first param).
template <class Source>
struct EachElementSlot;
struct EachFileSlot {
  using type = File;
};
// Whether a slot takes upstream results, and whether many of them.
template <class S>
inline constexpr bool is_input_slot = false;
template <class T>
inline constexpr bool is_input_slot<InputSlot<T>> = true;
template <class T>
inline constexpr bool is_input_slot<InputsSlot<T>> = true;
template <class T>
inline constexpr bool is_input_slot<EachElementSlot<T>> = true;
// Whether a slot is the element of an .each task.
template <class S>
inline constexpr bool is_each_slot = false;
template <class T>
inline constexpr bool is_each_slot<EachElementSlot<T>> = true;
template <>
inline constexpr bool is_each_slot<EachFileSlot> = true;
// The element type of a collection type (void for any other type), and the
// collection of the same kind with elements of type U.
template <class R>
struct ElementOf {
  using type = void;
  template <class U>
  using same_kind = U;
};
template <class T>
struct ElementOf<List<T>> {
  using type = T;
  template <class U>
  using same_kind = List<U>;
};
template <class T>
struct ElementOf<Dict<T>> {
  using type = T;
  template <class U>
  using same_kind = Dict<U>;
};
template <class Source>
struct EachElementSlot {
  using type = typename ElementOf<Source>::type;
};
// The result type of a task whose function returns R: R, or for an .each
// task the collection of its elements' results, named as its source's
// elements (a List for .each of a List, else a Dict).
template <class R, class... Slots>
struct TaskResult {
  using type = R;
};
template <class R, class Source, class... Rest>
struct TaskResult<R, EachElementSlot<Source>, Rest...> {
  using type = typename ElementOf<Source>::template same_kind<R>;
};
template <class R, class... Rest>
struct TaskResult<R, EachFileSlot, Rest...> {
  using type = Dict<R>;
};
template <class S>
inline constexpr bool is_inputs_slot = false;
template <class T>
inline constexpr bool is_inputs_slot<InputsSlot<T>> = true;

// The C++ type a param of default type T is passed to the function as.
template <class T>
struct ParamCpp {
  using type = T;
};
template <>
struct ParamCpp<const char*> {
  using type = std::string;
};
template <std::size_t N>
struct ParamCpp<char[N]> {
  using type = std::string;
};
template <class T>
using param_cpp_t = typename ParamCpp<std::remove_cvref_t<T>>::type;

// The C++ types a param may have.
template <class T>
concept ParamCppType =
    std::is_same_v<T, bool> || std::is_integral_v<T> || std::is_floating_point_v<T> ||
    std::is_same_v<T, std::string> || std::is_same_v<T, Files> || std::is_same_v<T, File>;

// The declaration of a param: its runtime default and, for integers, range.
template <ParamCppType T>
ParamDecl make_param_decl(std::string name, const T& value) {
  ParamDecl decl{std::move(name), Value{}, 0, 0};
  if constexpr (std::is_same_v<T, bool>) {
    decl.default_value = value;
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_unsigned_v<T>) {
      decl.default_value = static_cast<std::uint64_t>(value);
    } else {
      decl.default_value = static_cast<std::int64_t>(value);
    }
    decl.int_min = static_cast<std::int64_t>(std::numeric_limits<T>::min());
    decl.int_max = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  } else if constexpr (std::is_floating_point_v<T>) {
    decl.default_value = static_cast<double>(value);
  } else {
    decl.default_value = value;
  }
  return decl;
}

// A param's runtime value as the C++ type the function takes.
template <class T>
T param_as(const Value& v) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string> ||
                std::is_same_v<T, Files> || std::is_same_v<T, File>) {
    return std::get<T>(v);
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    return static_cast<T>(std::get<std::uint64_t>(v));
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(std::get<std::int64_t>(v));
  } else {
    return static_cast<T>(std::get<double>(v));
  }
}

// The index, among slots of the same kind, of slot I.
template <std::size_t I, class... Slots>
constexpr std::size_t index_within_kind() {
  constexpr bool kinds[] = {is_input_slot<Slots>...};
  std::size_t n = 0;
  for (std::size_t k = 0; k < I; ++k) n += kinds[k] == kinds[I] ? 1 : 0;
  return n;
}

// An argument from an upstream result's stored value: a collection becomes a
// lazy view over its elements, anything else is deserialized.
template <class T>
T upstream_argument(std::string_view stored) {
  if constexpr (is_collection<T>) {
    return collection_view<T>(stored);
  } else {
    return deserialize<T>(stored);
  }
}

// The upstream results of one call, and how many each input argument takes.
struct UpstreamValues {
  const std::vector<std::string_view>& bytes;
  const std::vector<std::size_t>& widths;
};

// Calls a task's function with its arguments built from upstream bytes and
// param values, slot by slot.
template <class... Slots>
struct Invoker {
  template <class F, std::size_t... I>
  static auto call(const F& fn, const UpstreamValues& upstream, const std::vector<Value>& params,
                   std::index_sequence<I...>) {
    std::tuple<typename Slots::type...> args{argument<I, Slots>(upstream, params)...};
    return std::apply(fn, args);
  }

  template <std::size_t I, class Slot>
  static typename Slot::type argument(const UpstreamValues& upstream,
                                      const std::vector<Value>& params) {
    constexpr std::size_t k = index_within_kind<I, Slots...>();
    if constexpr (is_input_slot<Slot>) {
      std::size_t first = 0;
      for (std::size_t j = 0; j < k; ++j) first += upstream.widths.at(j);
      if constexpr (is_inputs_slot<Slot>) {
        typename Slot::type values;
        for (std::size_t j = 0; j < upstream.widths.at(k); ++j) {
          values.push_back(upstream_argument<typename Slot::element>(upstream.bytes.at(first + j)));
        }
        return values;
      } else {
        return upstream_argument<typename Slot::type>(upstream.bytes.at(first));
      }
    } else {
      return param_as<typename Slot::type>(params.at(k));
    }
  }
};

// The readable name of a type, for the task listing.
inline std::string demangle(const char* mangled) {
  int status = 0;
  char* readable = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = status == 0 && readable ? readable : mangled;
  std::free(readable);
  return name;
}

}  // namespace detail

// A task being declared. Each call adds to the declaration; run() ends it.
template <class... Slots>
class TaskBuilder {
 public:
  explicit TaskBuilder(detail::TaskDef def) : def_(std::move(def)) {}

  // Runs the function once per element of `upstream`, a task returning a
  // tf::List<T> or tf::Dict<T>: the function takes a T first, then the
  // declared inputs and params. The result is a collection with the same
  // element names, each element cached on its own (SPEC 6).
  template <class R>
  TaskBuilder<detail::EachElementSlot<R>> each(const Task<R>& upstream) && {
    static_assert(sizeof...(Slots) == 0,
                  "taskfs: .each(...) comes first in a declaration: the element is the "
                  "function's first argument");
    static_assert(detail::is_collection<R>,
                  "taskfs: .each(task) takes a task whose function returns a tf::List<T> or "
                  "tf::Dict<T>; the function then takes a T first");
    def_.inputs.push_back(&upstream);
    def_.input_widths.push_back(1);
    def_.each_upstream = true;
    return TaskBuilder<detail::EachElementSlot<R>>(std::move(def_));
  }

  // Runs the function once per file matching `source` (tf::glob(...)): the
  // function takes a const tf::File& first, then the declared inputs and
  // params. The result is a collection whose elements are named by each
  // file's path below the pattern's fixed directory (SPEC 6).
  TaskBuilder<detail::EachFileSlot> each(const Files& source) && {
    static_assert(sizeof...(Slots) == 0,
                  "taskfs: .each(...) comes first in a declaration: the element is the "
                  "function's first argument");
    def_.each_glob = source.pattern();
    return TaskBuilder<detail::EachFileSlot>(std::move(def_));
  }

  // Runs the function once per file of `source`, tf::files({...}) or
  // tf::file_list("list.txt"): the function takes a const tf::File& first,
  // then the declared inputs and params. The result is a collection whose
  // elements are named by each file's path as listed, in the list's order; a
  // listed file that does not exist fails that element's read only (SPEC 6).
  TaskBuilder<detail::EachFileSlot> each(const FileList& source) && {
    static_assert(sizeof...(Slots) == 0,
                  "taskfs: .each(...) comes first in a declaration: the element is the "
                  "function's first argument");
    def_.each_list = source;
    return TaskBuilder<detail::EachFileSlot>(std::move(def_));
  }

  // Adds an upstream task's result as the next argument of the function.
  template <class R>
  TaskBuilder<Slots..., detail::InputSlot<R>> input(const Task<R>& upstream) && {
    def_.inputs.push_back(&upstream);
    def_.input_widths.push_back(1);
    return TaskBuilder<Slots..., detail::InputSlot<R>>(std::move(def_));
  }

  // Adds the results of many upstream tasks of one type as the next argument,
  // a std::vector<R> in the same order: for wide fan-in. Like the tasks, the
  // vector must live at namespace scope.
  template <class R>
  TaskBuilder<Slots..., detail::InputsSlot<R>> inputs(const std::vector<Task<R>>& upstream) && {
    for (const auto& task : upstream) def_.inputs.push_back(&task);
    def_.input_widths.push_back(upstream.size());
    return TaskBuilder<Slots..., detail::InputsSlot<R>>(std::move(def_));
  }

  // Adds a param with its default as the next argument of the function.
  // Types: bool, integers, double, std::string, tf::glob(...), tf::file(...).
  template <class T>
  TaskBuilder<Slots..., detail::ParamSlot<detail::param_cpp_t<T>>> param(
      std::string name, const T& default_value) && {
    using Cpp = detail::param_cpp_t<T>;
    static_assert(detail::ParamCppType<Cpp>,
                  "taskfs: a param must be bool, an integer, double, std::string, "
                  "tf::glob(...) or tf::file(...)");
    def_.params.push_back(detail::make_param_decl<Cpp>(std::move(name), Cpp(default_value)));
    return TaskBuilder<Slots..., detail::ParamSlot<Cpp>>(std::move(def_));
  }

  // Recomputes the task on every read; its inputs stay cached.
  TaskBuilder nocache() && {
    def_.nocache = true;
    return std::move(*this);
  }

  // Stops a run that lasts longer than `seconds`: its worker is killed with
  // whatever it started, and the read fails with EIO (never cached). Overrides
  // taskfs.ini's task_timeout for this task. `seconds` must be positive.
  TaskBuilder timeout(double seconds) && {
    def_.timeout_seconds = seconds;
    return std::move(*this);
  }

  // Adds an explicit version to the code fingerprint: bump it to force a re-run.
  TaskBuilder version(std::string v) && {
    def_.version = std::move(v);
    return std::move(*this);
  }

  // Ends the declaration with the task's function, wrapped in TASKFS_FN.
  // The function must accept the inputs and params in declaration order.
  template <class F>
  auto run(detail::SourcedFn<F> fn) && {
    constexpr bool callable = std::is_invocable_v<const F&, const typename Slots::type&...>;
    constexpr bool each = (detail::is_each_slot<Slots> || ...);
    static_assert(callable || !each,
                  "taskfs: an .each task's function takes the element first (a const T& for "
                  ".each of a task returning tf::List<T> or tf::Dict<T>, a const tf::File& "
                  "for .each of tf::glob, tf::files or tf::file_list), then the declared inputs "
                  "and params in order");
    static_assert(callable || each,
                  "taskfs: this task's function cannot be called with its declared "
                  "inputs and params in declaration order (the task is named in the "
                  "tf::task(...) of the declaration this error is \"required from\")");
    if constexpr (callable) {
      using R = std::decay_t<std::invoke_result_t<const F&, const typename Slots::type&...>>;
      static_assert(!std::is_void_v<R>, "taskfs: a task's function must return its result");
      static_assert(!(each && detail::is_collection<R>),
                    "taskfs: an .each task's function returns one element's result, not a "
                    "tf::List or tf::Dict (the task's result is the collection of them)");
      def_.function_text = fn.text;
      def_.source_fingerprint = fn.source_fingerprint;
      using Out = typename detail::TaskResult<R, Slots...>::type;
      def_.output_type = detail::demangle(typeid(Out).name());
      def_.collection = each || detail::is_collection<R>;
      def_.invoke = [f = std::move(fn.fn), widths = def_.input_widths](
                        const std::vector<std::string_view>& upstream,
                        const std::vector<Value>& params, detail::ResultSink& sink) {
        R result = detail::Invoker<Slots...>::call(f, detail::UpstreamValues{upstream, widths},
                                                   params, std::index_sequence_for<Slots...>{});
        if constexpr (detail::is_collection<R>) {
          sink.collection(result.sink());  // its elements are stored already
        } else {
          detail::serialize_into(sink.value_stream(detail::render_value(result)), result);
        }
      };
      Task<Out> handle;
      handle.name = def_.name;
      detail::registry().tasks.push_back(std::move(def_));
      return handle;
    } else {
      return Task<void>{};
    }
  }

 private:
  template <class...>
  friend class TaskBuilder;
  detail::TaskDef def_;
};

// Starts the declaration of a task; its name is its directory in the mount.
// `where` records the declaration's place for `taskfs ls`.
inline TaskBuilder<> task(std::string name,
                          std::source_location where = std::source_location::current()) {
  detail::TaskDef def;
  def.name = std::move(name);
  def.source_file = where.file_name();
  def.source_line = static_cast<int>(where.line());
  return TaskBuilder<>(std::move(def));
}

}  // namespace taskfs
