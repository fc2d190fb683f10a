// A worker running a batch prints the output of its runs into one pipe, one
// run after the other, each followed by the worker's run-end mark
// (CatalogMessage::run_end_mark): this cuts the stream back into runs.
#pragma once

#include <string>
#include <string_view>

namespace taskfs::exec {

// Hears a batch's output, cut into runs, on the thread that reads it.
class RunOutputListener {
 public:
  virtual ~RunOutputListener() = default;
  // Bytes the current run printed (the batch's first run is current at first).
  virtual void output(std::string_view bytes) = 0;
  // The current run is over, everything it printed was heard: the next run
  // is the current one now.
  virtual void run_ended() = 0;
};

class OutputSplitter {
 public:
  // `mark` is not empty.
  explicit OutputSplitter(std::string mark) : mark_(std::move(mark)) {}

  // Hands on the bytes before each mark, then the mark's end, and so on.
  // Bytes that may be the start of a mark are held back until the next call.
  void feed(std::string_view bytes, RunOutputListener& listener);
  // Hands on what is held back: no mark will complete it (the worker is gone).
  void flush(RunOutputListener& listener);

 private:
  std::string mark_;
  std::string held_;
};

}  // namespace taskfs::exec
