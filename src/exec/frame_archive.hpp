// Decoding one message from the bytes of its frame: cereal's binary format,
// read from memory with every length checked against the bytes left. cereal's
// own BinaryInputArchive believes a length and allocates it before reading,
// so one damaged frame could ask for gigabytes; here it fails with
// cereal::Exception instead.
#pragma once

#include <cereal/archives/binary.hpp>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace taskfs::exec {

class FrameInputArchive
    : public cereal::InputArchive<FrameInputArchive, cereal::AllowEmptyClassElision> {
 public:
  // Reads from `bytes`, which the caller keeps alive.
  explicit FrameInputArchive(std::string_view bytes) : InputArchive(this), rest_(bytes) {}

  // Takes the next `size` bytes; throws when fewer are left.
  void loadBinary(void* data, std::size_t size) {
    if (size > rest_.size()) {
      throw cereal::Exception("truncated message: " + std::to_string(size) + " bytes wanted, " +
                              std::to_string(rest_.size()) + " left");
    }
    std::memcpy(data, rest_.data(), size);
    rest_.remove_prefix(size);
  }
  // A container's length: every element of the messages takes at least one
  // byte, so a length beyond the bytes left is damage, not data.
  void check_length(std::uint64_t length) const {
    if (length > rest_.size()) {
      throw cereal::Exception("a length of " + std::to_string(length) + " exceeds the " +
                              std::to_string(rest_.size()) + " bytes left in the message");
    }
  }
  // Throws unless every byte was decoded (a frame of another message type).
  void expect_end() const {
    if (!rest_.empty()) {
      throw cereal::Exception(std::to_string(rest_.size()) + " bytes left after the message");
    }
  }

 private:
  std::string_view rest_;
};

template <class T>
std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>> CEREAL_LOAD_FUNCTION_NAME(
    FrameInputArchive& ar, T& t) {
  ar.loadBinary(std::addressof(t), sizeof t);
}

// A bool travels as one byte, 0 or 1; any other byte is damage. Copied into a
// bool as it is, it would be undefined behaviour (the protocol fuzzer found one
// through std::optional's flag).
inline void CEREAL_LOAD_FUNCTION_NAME(FrameInputArchive& ar, bool& b) {
  unsigned char byte = 0;
  ar.loadBinary(&byte, 1);
  if (byte > 1) throw cereal::Exception("a bool of value " + std::to_string(byte));
  b = byte == 1;
}

template <class T>
void CEREAL_SERIALIZE_FUNCTION_NAME(FrameInputArchive& ar, cereal::NameValuePair<T>& t) {
  ar(t.value);
}

template <class T>
void CEREAL_SERIALIZE_FUNCTION_NAME(FrameInputArchive& ar, cereal::SizeTag<T>& t) {
  ar(t.size);
  ar.check_length(static_cast<std::uint64_t>(t.size));
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(FrameInputArchive& ar, cereal::BinaryData<T>& data) {
  ar.loadBinary(data.data, static_cast<std::size_t>(data.size));
}

}  // namespace taskfs::exec

// (No CEREAL_SETUP_ARCHIVE_TRAITS: BinaryOutputArchive is already paired with
// BinaryInputArchive, and the messages use no minimal serialization that needs it.)
CEREAL_REGISTER_ARCHIVE(taskfs::exec::FrameInputArchive)
